// Printed pages show each link's target as a full address (see tipbook.css, @media print).
// CSS alone cannot: attr(href) is the link as written, and the site's links are relative
// ("../../tips/2024/…/"), which mean nothing on paper. The address is resolved against the
// page's canonical URL (built from site_url, the address readers use) or, without one, the
// address the page was opened at, and kept in data-tb-print-url for the stylesheet.
(function () {
  "use strict";
  var canonical = document.querySelector('link[rel="canonical"]');
  var base = canonical && canonical.href ? canonical.href : window.location.href;
  var links = document.querySelectorAll(".md-typeset a[href]");
  for (var i = 0; i < links.length; i++) {
    var href = links[i].getAttribute("href");
    if (!href || href.charAt(0) === "#") continue; // a place on this page: nothing to print
    try {
      links[i].setAttribute("data-tb-print-url", new URL(href, base).href);
    } catch (error) {
      // not a URL the browser can resolve: the stylesheet prints the link as written
    }
  }
})();
