/* Reading-page behaviour: copy buttons on code blocks, figures that enlarge in a <dialog>, the section menu. */
(function () {
  "use strict";

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    // Fallback for plain-http pages (e.g. a classroom server): a temporary textarea and execCommand.
    return new Promise(function (resolve, reject) {
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.style.position = "fixed";
      area.style.opacity = "0";
      document.body.appendChild(area);
      area.select();
      try {
        document.execCommand("copy") ? resolve() : reject(new Error("copy refused"));
      } catch (err) {
        reject(err);
      } finally {
        document.body.removeChild(area);
      }
    });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy-button]");
    if (!button) return;
    var code = button.parentElement.querySelector("pre");
    if (!code) return;
    var label = button.dataset.label || button.textContent;
    button.dataset.label = label;
    copyText(code.innerText.replace(/\n$/, "")).then(function () {
      button.textContent = button.dataset.copiedLabel || "Copied";
      button.classList.add("is-copied");
      button.setAttribute("data-copied", "true");
      window.setTimeout(function () {
        button.textContent = label;
        button.classList.remove("is-copied");
      }, 2000);
    }).catch(function () {
      button.setAttribute("data-copied", "false");
    });
  });

  // Figures: the button around each figure opens it full size; Esc or the close button closes (native <dialog>).
  var dialog = document.getElementById("figure-dialog");
  var opener = null;
  document.addEventListener("click", function (event) {
    var zoom = event.target.closest("[data-figure-zoom]");
    if (!zoom || !dialog || typeof dialog.showModal !== "function") return;
    var img = zoom.querySelector("img");
    var caption = zoom.closest("figure").querySelector("figcaption");
    var big = dialog.querySelector("img");
    big.src = img.currentSrc || img.src;
    big.alt = img.alt;
    dialog.querySelector(".figure-dialog-caption").textContent = caption ? caption.textContent : "";
    opener = zoom;
    dialog.showModal();
  });
  if (dialog) {
    dialog.addEventListener("click", function (event) {
      // A click on the backdrop (the dialog box itself, outside its content) closes it.
      if (event.target === dialog) dialog.close();
    });
    dialog.addEventListener("close", function () {
      if (opener) opener.focus();
      opener = null;
    });
  }

  // The section menu starts folded on a phone, open on a laptop.
  var nav = document.querySelector("[data-section-nav]");
  if (nav && window.matchMedia("(max-width: 60rem)").matches) {
    nav.removeAttribute("open");
    nav.addEventListener("click", function (event) {
      if (event.target.closest("a")) nav.removeAttribute("open");
    });
  }

  // The language switch keeps the section being read: the #fragment never reaches the server, so it is added to
  // the switch's `next` (this page's path and query in the other language) as the form is sent.
  document.addEventListener("submit", function (event) {
    var form = event.target.closest("[data-language-switch]");
    var next = form && form.querySelector("input[name=next]");
    if (!next || !window.location.hash) return;
    next.value = next.value.split("#")[0] + window.location.hash;
  });

  // Buttons that ask first (data-confirm="question"): the Content-Security-Policy forbids inline onclick handlers.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-confirm]");
    if (button && !window.confirm(button.dataset.confirm)) event.preventDefault();
  });

  // Polling only while the tab is visible: elements poll on `hx-trigger="lab:visible-tick from:body"`, which fires
  // every 2 s while the page is shown (an htmx trigger filter would need eval, which the CSP forbids).
  window.setInterval(function () {
    if (document.visibilityState === "visible") {
      document.body.dispatchEvent(new CustomEvent("lab:visible-tick"));
    }
  }, 2000);
})();
