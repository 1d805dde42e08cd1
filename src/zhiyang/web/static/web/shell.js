/* Zhiyang UI shell: the phone navigation drawer and small conveniences. No framework. */
(function () {
  "use strict";
  var body = document.body;
  var toggle = document.querySelector("[data-nav-toggle]");
  var backdrop = document.querySelector("[data-nav-close]");

  function setOpen(open) {
    body.classList.toggle("nav-open", open);
    if (toggle) toggle.setAttribute("aria-expanded", open ? "true" : "false");
    if (backdrop) backdrop.hidden = !open;
  }

  if (toggle) {
    toggle.addEventListener("click", function () {
      setOpen(!body.classList.contains("nav-open"));
    });
  }
  if (backdrop) backdrop.addEventListener("click", function () { setOpen(false); });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") {
      setOpen(false);
      document.querySelectorAll("details.user-menu[open]").forEach(function (d) { d.open = false; });
    }
  });
  // Close the user menu when clicking elsewhere.
  document.addEventListener("click", function (event) {
    document.querySelectorAll("details.user-menu[open]").forEach(function (d) {
      if (!d.contains(event.target)) d.open = false;
    });
  });
  // htmx sends the CSRF token from <body hx-headers>; keep it fresh if a response replaces it.
  document.addEventListener("htmx:configRequest", function (event) {
    var meta = document.querySelector('meta[name="csrf-token"]');
    if (meta && !event.detail.headers["X-CSRFToken"]) {
      event.detail.headers["X-CSRFToken"] = meta.content;
    }
  });
})();
