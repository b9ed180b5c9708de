// Small page actions as data attributes: the CSP refuses inline onclick handlers.
document.addEventListener("click", function (event) {
  var target = event.target.closest("[data-action]");
  if (!target) return;
  if (target.dataset.action === "print") window.print();
  if (target.dataset.action === "select") target.select();
});
