"""Pages of the assets app, one module per topic, all declarations on the page frame."""
