// The sandbox console's one script: on a phone the EC2 menu is folded (it is a <details>, open without JS).
document.addEventListener("DOMContentLoaded", function () {
  var menu = document.querySelector("[data-console-menu]");
  if (!menu) return;
  var narrow = window.matchMedia("(max-width: 48rem)");
  var fold = function () { menu.open = !narrow.matches; };
  fold();
  narrow.addEventListener("change", fold);
});
