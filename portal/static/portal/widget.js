/* Fabrique's widget, optional auto-height: tells the page that frames it how tall it is, only if
   that page is one of the declared origins (postMessage delivers nothing to any other). */
(function () {
  "use strict";
  var script = document.currentScript;
  var origins = (script && script.getAttribute("data-origins") || "").split(" ").filter(Boolean);
  if (window.parent === window || !origins.length) { return; }
  var last = 0;
  function post() {
    var height = Math.ceil(document.documentElement.getBoundingClientRect().height);
    if (height === last) { return; }
    last = height;
    origins.forEach(function (origin) {
      window.parent.postMessage({ type: "fabrique-widget-height", height: height }, origin);
    });
  }
  window.addEventListener("load", post);
  if ("ResizeObserver" in window) { new ResizeObserver(post).observe(document.documentElement); }
  else { window.addEventListener("resize", post); }
  post();
}());
