/*
 * The full results page (search/?query=…&theme=…&since=…&until=…): every matching tip, with
 * chapter and year filters, in Material's search result markup. The search box links here
 * when a query has more tips than it shows. It asks the same worker as the box
 * (tipbook-search-worker.js: tipbook's API when served, Pagefind in a static export).
 * Titles, dates and chapters are set as text; a snippet keeps only the engines' <mark>.
 */
(function () {
  "use strict"
  const PAGE = "tipbook:page"
  const LIMIT = 100                      /* the API's largest page of hits */

  function start() {
    const form = document.querySelector("form.tb-search-page")
    if (!form || form.dataset.ready) return
    form.dataset.ready = "1"
    const list = document.querySelector(".tb-search-results .md-search-result__list")
    const status = document.querySelector(".tb-search-status")
    const config = JSON.parse(document.getElementById("__config").textContent)
    const base = new URL(config.base.replace(/\/*$/, "/"), location.href)
    const worker = new Worker(config.tipbookSearch || config.search)  // main.html sets it
    let asked = 0
    let filled = false

    function snippet(html) {
      const template = document.createElement("template")   /* inert: nothing runs */
      template.innerHTML = String(html || "")
        .split(/(<\/?mark>)/)
        .map(part => part === "<mark>" || part === "</mark>"
          ? part : part.replace(/</g, "&lt;").replace(/>/g, "&gt;"))
        .join("")
      return template.content
    }

    function element(tag, className, text) {
      const el = document.createElement(tag)
      if (className) el.className = className
      if (text !== undefined) el.textContent = text
      return el
    }

    function render(hit) {
      const li = element("li", "md-search-result__item")
      const link = element("a", "md-search-result__link")
      link.href = new URL(hit.url, base).href
      const article = element("article", "md-search-result__article md-typeset")
      article.append(element("h2", "", hit.title))
      const text = element("p")
      const time = element("time", "tb-date", hit.date)
      time.dateTime = hit.date
      text.append(time, " · ", snippet(hit.snippet))
      article.append(text)
      if (hit.chapters.length) {
        /* plain chips (not links): a <nav> each would list one unnamed landmark per result */
        const tags = element("div", "md-tags")
        for (const chapter of hit.chapters) tags.append(element("span", "md-tag", chapter))
        article.append(tags)
      }
      link.append(article)
      li.append(link)
      return li
    }

    function fillFilters(chapters, years) {
      if (filled) return
      filled = true
      for (const [id, title] of Object.entries(chapters)) {
        const option = element("option", "", title)
        option.value = id
        form.theme.append(option)
      }
      for (const select of [form.since, form.until])
        for (const year of years) {
          const option = element("option", "", String(year))
          option.value = String(year)
          select.append(option)
        }
      const params = new URLSearchParams(location.search)
      for (const name of ["theme", "since", "until"])
        form[name].value = params.get(name) || ""
    }

    worker.addEventListener("message", ({ data }) => {
      if (data.type !== PAGE) return
      fillFilters(data.chapters || {}, data.years || [])
      if (data.id !== asked) return
      const { result } = data
      list.replaceChildren(...result.hits.map(render))
      if (result.error) status.textContent = result.error
      else if (!result.total) status.textContent = "No tip matches."
      else status.textContent = result.total > result.hits.length
        ? `${result.total} tips match; the best ${result.hits.length} are shown.`
        : `${result.total} ${result.total === 1 ? "tip matches" : "tips match"}.`
      if (result.correctedFrom) {  /* the words as typed matched nothing: their correction's */
        status.prepend(`No tip matches “${result.correctedFrom}”. Showing results for `
          + `“${result.query}”. `)
        const typed = element("a", "tb-search-instead", result.correctedFrom)
        const url = new URL(location.href)
        url.searchParams.set("query", result.correctedFrom)
        url.searchParams.set("exact", "1")
        typed.href = url.href
        status.append(" Search instead for ", typed, ".")
      }
      if (result.nearest) {  /* nothing found: the chapter about the query's subject */
        const link = element("a", "tb-search-nearest", result.nearest.title)
        link.href = new URL(result.nearest.url, base).href
        status.append(" The nearest chapter: ", link, ".")
      }
      if (result.suggestion) {
        const link = element("a", "", result.suggestion)
        const url = new URL(location.href)
        url.searchParams.set("query", result.suggestion)
        link.href = url.href
        status.append(" Did you mean: ", link, "?")
      }
    })

    /* Asks only to fill the filters (chapters, years): id 0 is never shown as results */
    function fillOnly() {
      worker.postMessage({
        type: PAGE, id: 0, query: "tipbook", options: { limit: 1, log: false }
      })
    }

    function ask() {
      const params = new URLSearchParams(location.search)
      const query = (params.get("query") || "").trim()
      form.q.value = query
      const options = { limit: LIMIT, exact: params.get("exact") === "1" }
      for (const name of ["theme", "since", "until"])
        options[name] = params.get(name) || ""
      asked += 1
      if (!query) {
        status.textContent = "Type words to search the tips."
        list.replaceChildren()
        fillOnly()
        return
      }
      if (options.since && options.until && options.since > options.until) {
        /* said in the form's words (the API's own message names the CLI's options) */
        status.textContent = "“From year” is after “To year”: swap them."
        list.replaceChildren()
        fillOnly()
        return
      }
      status.textContent = "Searching…"
      worker.postMessage({ type: PAGE, id: asked, query, options })
    }

    form.addEventListener("submit", event => {
      event.preventDefault()
      const url = new URL(location.href)
      url.search = ""
      if (form.q.value) url.searchParams.set("query", form.q.value)
      for (const name of ["theme", "since", "until"])
        if (form[name].value) url.searchParams.set(name, form[name].value)
      history.pushState({}, "", url)
      ask()
    })
    /* Enter in a filter applies it, as in the words field (a <select> does not submit) */
    for (const select of [form.theme, form.since, form.until])
      select.addEventListener("keydown", event => {
        if (event.key !== "Enter") return
        event.preventDefault()
        form.requestSubmit()
      })
    window.addEventListener("popstate", ask)
    ask()
  }

  /* Material's instant navigation swaps pages without reloading: `document$` says when. */
  if (typeof document$ !== "undefined") document$.subscribe(start)
  else document.addEventListener("DOMContentLoaded", start)
})()

/*
 * "What staff could not find" (search/querylog.py): when a result is opened from the
 * search box or the results page, the served site is told which query it answered — the
 * query's words only (no result, no cookie; the server keeps no address) — so
 * `tipbook search report` can list the queries whose results nobody opened. A static
 * export has no /api/opened: no beacon is sent there. The server's
 * `serve.log_queries: false` keeps nothing.
 */
;(function () {
  "use strict"
  /* Served or static? The search worker says "served" once its probe of api/search answers;
     remembered for the tab, so a page opened later knows before its worker has probed. */
  const remembered = { get: () => { try { return sessionStorage.getItem("tipbook-served") }
                                   catch (err) { return null } },  /* storage turned off */
                      set: () => { try { sessionStorage.setItem("tipbook-served", "1") }
                                   catch (err) { /* remembered for this page only */ } } }
  let served = remembered.get() === "1"
  if (typeof BroadcastChannel !== "undefined")
    new BroadcastChannel("tipbook-search").onmessage = event => {
      if (event.data !== "served") return
      served = true
      remembered.set()
    }
  function queryOf(link) {
    if (link.closest(".md-search"))      /* the box: its field holds the query */
      return (document.querySelector(".md-search__input") || {}).value || ""
    if (link.closest(".tb-search-results"))
      return new URLSearchParams(location.search).get("query") || ""
    return ""
  }
  document.addEventListener("click", event => {
    const link = event.target.closest && event.target.closest("a.md-search-result__link")
    if (!link || !served || !navigator.sendBeacon) return
    const query = queryOf(link).trim()
    const href = link.getAttribute("href") || ""
    if (!query || href.includes("search/?query=")) return  /* "all N tips", not a tip */
    const config = JSON.parse(document.getElementById("__config").textContent)
    const base = new URL(config.base.replace(/\/*$/, "/"), location.href)
    navigator.sendBeacon(new URL(`api/opened?q=${encodeURIComponent(query)}`, base).href)
  }, true)
})()
