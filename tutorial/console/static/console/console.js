// The sandbox console's one script: on a phone the EC2 menu starts folded (it is a <details>, open without JS).
document.addEventListener("DOMContentLoaded", function () {
  var menu = document.querySelector("[data-console-menu]");
  if (menu && window.matchMedia("(max-width: 48rem)").matches) {
    menu.open = false;
  }
});
