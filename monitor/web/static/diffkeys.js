// j / k: the next / previous change of a diff page (its anchors are #change-1, #change-2, …).
(function () {
  function changes() {
    return Array.prototype.filter.call(document.querySelectorAll('[id^="change-"]'), function (e) {
      return e.offsetParent !== null;
    });
  }
  document.addEventListener("keydown", function (event) {
    if (event.target.closest("input, textarea, select") || event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.key !== "j" && event.key !== "k") return;
    var all = changes();
    if (!all.length) return;
    var current = all.findIndex(function (e) { return "#" + e.id === location.hash; });
    var next = event.key === "j" ? Math.min(current + 1, all.length - 1) : Math.max(current - 1, 0);
    location.hash = "#" + all[next].id;
  });
})();
