"""Pages of the patrol app, one module per topic, all on the page frame."""
