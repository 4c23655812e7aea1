// Small progressive enhancements; every page works without them.
document.addEventListener("DOMContentLoaded", function () {
  // Forms that need confirmation carry data-confirm with the question.
  document.querySelectorAll("form[data-confirm]").forEach(function (f) {
    f.addEventListener("submit", function (e) {
      if (!window.confirm(f.getAttribute("data-confirm"))) e.preventDefault();
    });
  });
  // Buttons that print the page.
  document.querySelectorAll("[data-print]").forEach(function (b) {
    b.addEventListener("click", function () { window.print(); });
  });
  // A form that submits a long job shows its progress text while the server works.
  document.querySelectorAll("form[data-progress]").forEach(function (f) {
    f.addEventListener("submit", function () {
      var p = document.getElementById(f.getAttribute("data-progress"));
      if (p) p.hidden = false;
      f.querySelectorAll("button").forEach(function (b) { b.disabled = true; });
    });
  });
});
