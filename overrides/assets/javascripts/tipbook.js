/* tipbook: keyboard access to Material's <label> controls (WCAG 2.1.1).
   Material opens its navigation drawer (below 1220px) and its search (below 960px) with
   <label>s for hidden checkboxes, which a keyboard cannot reach; the home page's search box
   is such a label too. Each becomes a button: in the tab order, named, and pressed with
   Enter or Space. */
(function () {
  var selector = [
    'label.md-header__button[for="__drawer"]',
    'label.md-header__button[for="__search"]',
    "label.tb-search",
  ].join(", ");
  document.querySelectorAll(selector).forEach(function (label) {
    var toggle = document.getElementById(label.htmlFor);
    label.setAttribute("role", "button");
    label.tabIndex = 0;
    if (!label.textContent.trim() && !label.hasAttribute("aria-label")) {
      label.setAttribute("aria-label", label.htmlFor === "__drawer" ? "Navigation" : "Search");
    }
    if (label.htmlFor === "__drawer" && toggle) {
      var expanded = function () {
        label.setAttribute("aria-expanded", toggle.checked ? "true" : "false");
      };
      toggle.addEventListener("change", expanded);
      expanded();
    }
    label.addEventListener("keydown", function (event) {
      if (event.key !== "Enter" && event.key !== " ") return;
      // Handled here only: Material's own Enter-on-a-label would toggle it a second time.
      event.preventDefault();
      event.stopPropagation();
      var input = document.querySelector(".md-search__input");
      if (label.htmlFor === "__search" && input) {
        input.focus(); // Material opens the search when its field gets focus
      } else {
        label.click();
        // An opened drawer takes the focus, so the next Tab moves through its links.
        var first = toggle && toggle.checked && document.querySelector(".md-sidebar--primary a");
        if (first) first.focus();
      }
    });
  });
})();
