// Signon: the review queue's "select all on this page" box. Progressive
// enhancement only: without this file, each signature is ticked by hand.
(function () {
  "use strict";

  function init() {
    var all = document.querySelector("[data-select-all]");
    if (!all) {
      return;
    }
    var boxes = Array.prototype.slice.call(document.querySelectorAll("input[data-select]"));
    if (boxes.length === 0) {
      return;
    }
    function sync() {
      var checked = boxes.filter(function (b) { return b.checked; }).length;
      all.checked = checked === boxes.length;
      all.indeterminate = checked > 0 && checked < boxes.length;
    }
    all.addEventListener("change", function () {
      boxes.forEach(function (b) { b.checked = all.checked; });
    });
    boxes.forEach(function (b) { b.addEventListener("change", sync); });
    all.closest("label").hidden = false;
    sync();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
