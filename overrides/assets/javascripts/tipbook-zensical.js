/* tipbook, Zensical build only (tipbook/site/engines.py lists it): the accessibility floor
   (WCAG 2.1 AA) on Zensical's search dialog. Zensical draws the dialog in an open shadow
   root, which no page stylesheet reaches (only inherited custom properties do), so its
   fixes are adopted into that root here. Selected by ARIA role and element, not by
   Zensical's minified class names, which change between its releases. */
(function () {
  if (!("adoptedStyleSheets" in Document.prototype)) return;
  var sheet = new CSSStyleSheet();
  sheet.replaceSync(
    [
      // Hits were the accent colour as text (amber on white, 1.9:1): ordinary text on an
      // accent highlight, underlined, as tipbook.css does in Material's box.
      "a[role=option] mark { color: inherit; background: var(--md-accent-fg-color--transparent); }",
      // A result's path (its chapter) was the text colour at 45% (3.3:1); at 75%, 7:1.
      "a[role=option] menu { color: rgb(var(--color-foreground) / 0.75); }",
      // Focus visible (2.4.7) in the text colour (3:1 and more, where the accent is 1.8:1):
      // the search field (Zensical marks it only after a Tab inside the dialog) and the
      // result list, which scrolls and so takes the focus (below).
      "input[role=combobox]:focus-visible { box-shadow: inset 0 -2px 0 rgb(var(--color-foreground)); }",
      "[data-tb-scroll]:focus-visible { outline: 2px solid rgb(var(--color-foreground));" +
        " outline-offset: -2px; }",
    ].join("\n")
  );

  function fix(root) {
    if (root.adoptedStyleSheets.indexOf(sheet) < 0) {
      root.adoptedStyleSheets = root.adoptedStyleSheets.concat([sheet]);
    }
    // A region that scrolls must be reachable by keyboard to scroll it (2.1.1); Zensical's
    // options are focused by aria-activedescendant, so the list itself takes a Tab stop.
    var list = root.querySelector("[role=listbox]");
    var region = list && list.parentElement;
    if (region && region.tabIndex < 0) {
      region.tabIndex = 0;
      region.setAttribute("data-tb-scroll", "");
    }
  }

  function watch(host) {
    fix(host.shadowRoot);
    // Zensical renders the results (Preact) as they arrive: fixed again after each render.
    new MutationObserver(function () {
      fix(host.shadowRoot);
    }).observe(host.shadowRoot, { childList: true, subtree: true });
  }

  function find() {
    var host = Array.prototype.find.call(document.body.children, function (el) {
      return el.shadowRoot; // open: Zensical's dialog (Mermaid's roots are closed)
    });
    if (host) watch(host);
    return !!host;
  }

  // Zensical adds the dialog's host to <body> when its script starts (before or after
  // this one): found now or when it arrives.
  if (!find()) {
    var bodyWatch = new MutationObserver(function () {
      if (find()) bodyWatch.disconnect();
    });
    bodyWatch.observe(document.body, { childList: true });
  }
})();
