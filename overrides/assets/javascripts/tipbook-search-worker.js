/*
 * tipbook's search worker: the engine behind Material's search box.
 *
 * Material runs its search in a web worker and talks to it with four messages (see its
 * src/templates/assets/javascripts/integrations/search/worker/message): SETUP (the
 * lunr index), READY, QUERY (the box's text, on every keystroke) and RESULT (lists of
 * documents it renders with its own markup, keyboard handling and highlighting).
 * overrides/main.html points Material at this file instead of its lunr worker, so the box
 * keeps Material's look and behaviour and only the engine changes:
 *
 * - served by `tipbook serve`: tipbook's own search at `api/search` (Whoosh: the CLI's
 *   ranking, stemming, phrases, operators and "did you mean");
 * - a static export (no API): the Pagefind index written by the build (search/static.py).
 *
 * The full results page (search/, with chapter and year filters) asks this same worker
 * with a PAGE message, so both engines serve it too.
 *
 * Material renders a result's title, text and tags as HTML: every string from content is
 * escaped here; the only markup kept is <mark> from the engines' highlighting.
 */

"use strict"

/* Material's message types: SETUP, READY, QUERY, RESULT (its SearchMessageType enum) */
const SETUP = 0, READY = 1, QUERY = 2, RESULT = 3
const PAGE = "tipbook:page"           /* full results page: query, filters, page of hits */

const BOX_LIMIT = 8    /* tips shown in the box: with "did you mean" and "all N tips", Material
                         renders ten items at once and the rest only on scrolling */
const BASE = new URL("../../", self.location.href)   /* site root: assets/javascripts/.. */

let engine = null                      /* promise of {name, search(query, options)} */
let info = null                        /* promise of search/tipbook.json (chapters, years) */

/* ----------------------------------------------------------------------------------- */

function escapeText(text) {
  return String(text)
    .replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;").replace(/'/g, "&#39;")
}

/*
 * An engine's snippet: escaped text with <mark>…</mark>. Kept as HTML only in that form:
 * any other `<` or `>` is escaped (escaped text has none, so nothing changes for it).
 */
function safeSnippet(snippet) {
  return String(snippet || "")
    .split(/(<\/?mark>)/)
    .map(part => part === "<mark>" || part === "</mark>"
      ? part
      : part.replace(/</g, "&lt;").replace(/>/g, "&gt;"))
    .join("")
}

function siteInfo() {
  if (!info)
    info = fetch(new URL("search/tipbook.json", BASE))
      .then(response => response.ok ? response.json() : {})
      .catch(() => ({}))
      .then(data => ({
        chapters: data.chapters || {}, years: data.years || [], shards: data.shards || 1,
        stopWords: new Set(data.stopWords || []), signals: data.signals || {}
      }))
  return info
}

function formatDate(iso) {
  const date = new Date(`${iso}T12:00:00Z`)
  return isNaN(date) ? iso : date.toLocaleDateString("en-GB", {
    day: "numeric", month: "short", year: "numeric", timeZone: "UTC"
  })
}

/* ---------------------------------------------------------------------------------
 * Engines: both answer {total, hits: [{url, title, date, chapters, snippet, score}],
 * suggestion, facets: {chapter id or title: count}, error}
 * ------------------------------------------------------------------------------- */

function apiEngine() {
  return {
    name: "api",
    async search(query, { limit = BOX_LIMIT, theme = "", since = "", until = "",
      exact = false, log = true } = {}) {
      const params = new URLSearchParams({ q: query, limit: String(limit) })
      if (exact) params.set("exact", "1")   /* the words as typed: no correction */
      if (!log) params.set("log", "0")      /* not a query staff asked (search.querylog) */
      if (theme) params.set("theme", theme)
      if (since) params.set("since", `${since}-01-01`)
      if (until) params.set("until", `${until}-12-31`)
      const response = await fetch(new URL(`api/search?${params}`, BASE))
      if (!response.ok) {
        /* 400: the query (its message says what to change); else the server (busy: 503) */
        const data = await response.json().catch(() => ({}))
        return {
          total: 0, hits: [], facets: {}, unavailable: response.status !== 400,
          error: data.error?.message || `the search server answered ${response.status}`
        }
      }
      const data = await response.json()
      const { chapters } = await siteInfo()
      return {
        total: data.total,
        suggestion: data.suggestion,
        query: data.query,
        correctedFrom: data.corrected_from || "",
        facets: data.facets?.themes || {},
        hits: data.hits.map(hit => ({
          url: hit.url.replace(/^\//, ""),
          title: hit.title,
          date: hit.date,
          chapters: hit.themes.map(id => chapters[id] || id),
          snippet: hit.snippet,
          score: hit.score
        }))
      }
    }
  }
}

async function pagefindEngine() {
  /* The build indexes the tips in shards of 1,000 (search/static.py): one bundle each */
  const { shards } = await siteInfo()
  const pagefind = await import(new URL("pagefind/0/pagefind.js", BASE).href)
  await pagefind.options({ excerptLength: 30 })
  await pagefind.init()
  for (let shard = 1; shard < shards; shard++)
    await pagefind.mergeIndex(new URL(`pagefind/${shard}/`, BASE).href)
  async function searchAsTyped(query, { limit = BOX_LIMIT, theme = "", since = "",
    until = "" } = {}) {
      const { chapters, years, stopWords } = await siteInfo()
      const filters = {}
      if (theme) filters.chapter = chapters[theme] || theme
      if (since || until) {
        filters.year = { any: years.map(String).filter(year =>
          (!since || year >= since) && (!until || year <= until)) }
        if (!filters.year.any.length)    /* Pagefind reads `any: []` as no filter at all */
          return { total: 0, hits: [], facets: {} }
      }
      let found = await matchAnyWord(pagefind, meaningfulWords(query, stopWords),
        filters, limit)
      if (!found)
        return { total: 0, hits: [], facets: {} }  /* superseded by a newer search */
      found = { ...found, results: await rerankByMeaning(query, found.results) }
      const top = await Promise.all(found.results.slice(0, limit).map(r => r.data()))
      const ids = Object.fromEntries(Object.entries(chapters).map(([id, t]) => [t, id]))
      const facets = {}
      for (const [title, count] of Object.entries(found.filters?.chapter || {}))
        if (count) facets[ids[title] || title] = count
      return {
        total: found.results.length,
        facets,
        hits: top.map((data, i) => ({
          url: data.url.replace(/^\//, ""),
          title: data.meta.title || "",
          date: data.meta.date || "",
          chapters: (data.meta.chapters || "").split(", ").filter(Boolean),
          snippet: data.excerpt,
          score: found.results[i].score
        }))
      }
  }
  return {
    name: "pagefind",
    /* As the served engine, words no tip uses show their correction's tips, saying so
       (search.searcher.TipSearcher.run). Pagefind matches a misspelt word loosely, so
       "nothing" here is fewer than FEW_HITS tips (and a word no tip uses). */
    async search(query, options = {}) {
      const result = await searchAsTyped(query, options)
      if (result.total >= FEW_HITS || options.exact)
        return result
      const corrected = await correctTypos(query)
      if (!corrected)
        return result
      const again = await searchAsTyped(corrected, options)
      return again.total ? { ...again, query: corrected, correctedFrom: query } : result
    }
  }
}

/*
 * Typos: each word the published tips never use is replaced by the commonest tip word
 * within one edit (words of up to four letters) or two, starting with the same letter (as
 * the served engine's "did you mean"). The word list (search/words.json, commonest first,
 * written by search/static.py) is fetched only the first time a search finds nothing.
 */
let vocabulary = null
const FEW_HITS = 3          /* as search.searcher.FEW_HITS */

function tipWords() {
  if (!vocabulary)
    vocabulary = fetch(new URL("search/words.json", BASE))
      .then(response => response.ok ? response.json() : {})
      .catch(() => ({}))
      .then(data => data.words || [])
  return vocabulary
}

function withinEdits(a, b, most) {
  /* Levenshtein distance of a and b, or most + 1 once it must exceed `most` */
  if (Math.abs(a.length - b.length) > most)
    return most + 1
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    const row = [i]
    for (let j = 1; j <= b.length; j++)
      row[j] = Math.min(previous[j] + 1, row[j - 1] + 1,
        previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1))
    if (Math.min(...row) > most)
      return most + 1
    previous = row
  }
  return previous[b.length]
}

async function correctTypos(query) {
  const words = await tipWords()
  if (!words.length)
    return ""
  const known = new Set(words)
  let changed = false
  const corrected = (query.toLowerCase().match(/[\p{L}\p{N}']+/gu) || []).map(word => {
    if (known.has(word) || word.length < 3)
      return word
    const most = word.length <= 4 ? 1 : 2
    let best = "", bestDistance = most + 1
    for (const candidate of words) {  /* commonest first: the first of a distance wins */
      if (candidate[0] !== word[0])
        continue
      const distance = withinEdits(word, candidate, most)
      if (distance < bestDistance) {
        best = candidate
        bestDistance = distance
        if (distance === 1)
          break
      }
    }
    if (!best)
      return word
    changed = true
    return best
  })
  return changed ? corrected.join(" ") : ""
}

/*
 * The query without the words that carry no meaning in a question ("how do I", "after",
 * "same"): the served engine's stop words (search.schema.QUESTION_STOP_WORDS, shipped in
 * search/tipbook.json), so both boxes rank by the same words. A query without stop words,
 * or of stop words only, is kept as it is (its quotes too).
 */
function meaningfulWords(query, stopWords) {
  const words = query.match(/[\p{L}\p{N}'*-]+/gu) || []
  const kept = words.filter(word => !stopWords.has(word.toLowerCase()))
  return kept.length && kept.length < words.length ? kept.join(" ") : query
}

/*
 * Pagefind returns only the pages that have every word of a query, so a question ("how do
 * I keep a customer for life") or a paraphrase mostly finds nothing. When it finds fewer
 * than a box of tips, the tips with some of the words follow, ranked by their scores for
 * each word summed (a tip with more of the words and rarer ones first), as the Whoosh
 * engine ranks an OR query.
 */
async function matchAnyWord(pagefind, query, filters, limit) {
  const all = await pagefind.search(query, { filters })
  if (!all)
    return null
  const words = [...new Set(query.toLowerCase().match(/[\p{L}\p{N}]+/gu) || [])]
  if (all.results.length >= limit || query.includes('"'))
    return all
  /* Each word alone (weight 1), and its related words (search.expansion: weighted low) */
  const asked = (words.length < 2 ? [] : words).map(word => [word, 1])
  for (const [word, weight] of await relatedWords(words))
    asked.push([word, weight])
  if (!asked.length)
    return all
  const each = await Promise.all(asked.map(([word]) => pagefind.search(word, { filters })))
  const summed = new Map()
  each.forEach((found, i) => {
    for (const result of (found ? found.results : []))
      summed.set(result.id, {
        result, score: (summed.get(result.id)?.score || 0) + result.score * asked[i][1]
      })
  })
  const seen = new Set(all.results.map(result => result.id))
  const rest = [...summed.values()]
    .filter(({ result }) => !seen.has(result.id))
    .sort((a, b) => b.score - a.score)
    .map(({ result, score }) => ({ ...result, score, data: result.data }))
  return { ...all, results: [...all.results, ...rest] }
}

/*
 * Related words (search.expansion, the same table as the served engine's): shards of
 * search/related/, by a word's first two letters, fetched only for the words asked.
 */
const RELATED_WEIGHT = 0.3       /* as search.expansion.WEIGHT */
const MAX_RELATED = 12           /* extra Pagefind searches per query at most */
const relatedShards = new Map()

function relatedOf(word) {
  const name = word.slice(0, 2)
  if (word.length < 3 || !/^[a-z]{2}$/.test(name))
    return Promise.resolve([])
  if (!relatedShards.has(name))
    relatedShards.set(name, fetch(new URL(`search/related/${name}.json`, BASE))
      .then(response => response.ok ? response.json() : {})
      .catch(() => ({})))
  return relatedShards.get(name).then(table => {
    /* fetched data: a damaged shard costs its words' related words, not the search */
    const list = table && typeof table === "object" &&
      Object.prototype.hasOwnProperty.call(table, word) ? table[word] : []
    return Array.isArray(list)
      ? list.filter(entry => Array.isArray(entry) && typeof entry[0] === "string" &&
          typeof entry[1] === "number")
      : []
  })
}

/* [[related word, weight]] for `words`, most similar first, none of `words` itself */
async function relatedWords(words) {
  const lists = await Promise.all(words.slice(0, 8).map(relatedOf))
  const weights = new Map()
  for (const list of lists)
    for (const [word, similarity] of list)
      if (!words.includes(word))
        weights.set(word, Math.max(weights.get(word) || 0, RELATED_WEIGHT * similarity))
  return [...weights].sort((a, b) => b[1] - a[1]).slice(0, MAX_RELATED)
}

/*
 * Questions by concept (search.vectors, as the served engine): a plain query's best
 * RERANKED tips by words are ordered again by their word score (the best's as 1) plus
 * VECTOR_WEIGHT times the cosine of the tip's vector (its Pagefind meta, 64 signed bytes)
 * and the query's (the sum of its words' vectors: shards of search/vectors/ by a hash of
 * the word, fetched only for the words asked).
 */
const VECTOR_WEIGHT = 2.0        /* as search.vectors.WEIGHT */
const RERANKED = 20              /* as search.vectors.RERANKED */
const VECTOR_SHARDS = 512        /* as search.vectors.VECTOR_SHARDS */
const VECTOR_DIMENSIONS = 64     /* as search/word_vectors.json's "dimensions" */
const NOT_PLAIN = /["*?:~]|(^|\s)(AND|OR|NOT|ANDNOT|ANDMAYBE)(\s|$)/  /* as is_plain */
const vectorShards = new Map()

/* A vector's 64 signed bytes from its base64; null for anything else (a shard or a tip's
   meta is data fetched from the site: a damaged one costs its word, not the search) */
function signedBytes(code) {
  let raw
  try {
    raw = typeof code === "string" ? atob(code) : ""
  } catch (err) {
    return null
  }
  return raw.length === VECTOR_DIMENSIONS
    ? Int8Array.from(raw, char => char.charCodeAt(0) << 24 >> 24) : null
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n
  for (let k = 0; k < 8; k++)
    c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
  return c >>> 0
})

function vectorShard(word) {
  /* CRC-32 (zlib's) of the word modulo VECTOR_SHARDS, as search.vectors.vector_shard;
     a table word is ASCII letters, so its UTF-16 codes are its UTF-8 bytes */
  let crc = 0xffffffff
  for (let i = 0; i < word.length; i++)
    crc = CRC_TABLE[(crc ^ word.charCodeAt(i)) & 0xff] ^ (crc >>> 8)
  return ((crc ^ 0xffffffff) >>> 0) % VECTOR_SHARDS
}

function wordVector(word) {
  const name = vectorShard(word)
  if (word.length < 2)
    return Promise.resolve(null)
  if (!vectorShards.has(name))
    vectorShards.set(name, fetch(new URL(`search/vectors/${name}.json`, BASE))
      .then(response => response.ok ? response.json() : {})
      .catch(() => ({})))
  return vectorShards.get(name).then(table =>
    table && typeof table === "object" && Object.prototype.hasOwnProperty.call(table, word)
      ? signedBytes(table[word]) : null)
}

async function queryVector(query) {
  const words = query.toLowerCase().match(/[a-z]+/g) || []
  const rows = (await Promise.all(words.map(wordVector))).filter(Boolean)
  if (!rows.length)
    return null
  const total = new Array(rows[0].length).fill(0)
  for (const row of rows)
    row.forEach((x, i) => { total[i] += x })
  const norm = Math.hypot(...total)
  return norm ? total.map(x => x / norm) : null
}

function cosine(query, code) {
  const tip = signedBytes(code)
  if (!tip || tip.length !== query.length)
    return 0
  let dot = 0, norm = 0
  tip.forEach((x, i) => { dot += query[i] * x; norm += x * x })
  return norm ? dot / Math.sqrt(norm) : 0
}

async function rerankByMeaning(query, results) {
  if (NOT_PLAIN.test(query) || !results.length)
    return results
  const vector = await queryVector(query)
  if (!vector)
    return results
  const head = results.slice(0, RERANKED)
  const data = await Promise.all(head.map(result => result.data()))
  const best = Math.max(...head.map(result => result.score)) || 1
  const fused = head.map((result, i) => ({
    ...result,
    data: () => Promise.resolve(data[i]),
    score: result.score / best + VECTOR_WEIGHT * cosine(vector, data[i].meta?.vector)
  }))
  fused.sort((a, b) => b.score - a.score)   /* stable: equal scores keep their order */
  const rest = results.slice(RERANKED).map(result => ({ ...result, score: result.score / best }))
  return [...fused, ...rest]
}

/*
 * A query that finds nothing is offered the nearest chapter: the one whose signal words
 * (content/themes.yml, in search/tipbook.json) the query's words, or their related words,
 * have most. Either engine.
 */
async function nearestChapter(query) {
  const { chapters, signals, stopWords } = await siteInfo()
  const words = (query.toLowerCase().match(/[\p{L}\p{N}]+/gu) || [])
    .filter(word => !stopWords.has(word))
  const weighted = words.map(word => [word, 1])
    .concat((await relatedWords(words)).map(([word]) => [word, 0.5]))
  const text = ` ${words.join(" ")} `
  let best = null, bestScore = 0
  for (const [id, list] of Object.entries(signals)) {
    let score = 0
    for (const raw of list) {
      const signal = String(raw).toLowerCase()
      if (signal.includes(" ")) {
        if (text.includes(` ${signal.replace(/\*$/, "")}`)) score += 1
        continue
      }
      const stem = signal.replace(/\*$/, "")
      for (const [word, weight] of weighted)
        if (word === stem || (signal.endsWith("*")
            ? word.startsWith(stem) || (stem.length >= 5 && word.includes(stem))  /* un-… */
            : word.startsWith(stem) && word.length - stem.length <= 2))
          score += weight
    }
    if (score > bestScore) {
      best = id
      bestScore = score
    }
  }
  return best ? { id: best, title: chapters[best] || best, url: `themes/${best}/` } : null
}

/* One probe when the worker starts: does `api/search` answer (as `tipbook serve`)? */
async function chooseEngine() {
  try {
    const response = await fetch(new URL("api/search?q=tipbook&limit=1&log=0", BASE))
    const type = response.headers.get("Content-Type") || ""
    if (response.ok && type.startsWith("application/json")) {
      /* The page logs opened results only where a server takes them (tipbook-search-page.js):
         a static export answers its beacon with an error in the console. */
      if (typeof BroadcastChannel !== "undefined")
        new BroadcastChannel("tipbook-search").postMessage("served")
      return apiEngine()
    }
  } catch (err) {
    /* no server behind the site: the static index */
  }
  return pagefindEngine()
}

function getEngine() {
  if (!engine) {
    engine = chooseEngine()
    /* A failed start (server stopped, bundle missing) is not kept: the next query tries
       again, so the box recovers without a reload once the site answers. */
    engine.catch(() => { engine = null })
  }
  return engine
}

/* ---------------------------------------------------------------------------------
 * Material's result format
 * ------------------------------------------------------------------------------- */

/*
 * One result as Material's list of one document. `terms` holds the query: Material adds
 * it to the result's link (`?h=`, the search.highlight feature) to highlight it there.
 */
function item(location, title, text, score, tags, query) {
  const terms = query ? { [query]: true } : {}
  return [{ location, title, text, score, terms, ...(tags ? { tags } : {}) }]
}

function resultsPageUrl(query, exact = false) {
  return `search/?query=${encodeURIComponent(query)}${exact ? "&exact=1" : ""}`
}

function toMaterial(query, result) {
  const items = []
  if (result.error)
    items.push(item(resultsPageUrl(query),
      result.unavailable ? "Search is not available right now" : "Cannot search for that",
      `<p>${escapeText(result.error)}</p>`, -1, null, query))
  if (result.correctedFrom)
    items.push(item(resultsPageUrl(result.query),
      `Showing results for <em>${escapeText(result.query)}</em>`,
      `<p>No tip matches “${escapeText(result.correctedFrom)}”</p>`, 0, null, result.query),
      item(resultsPageUrl(result.correctedFrom, true),
        `Search instead for <em>${escapeText(result.correctedFrom)}</em>`,
        "<p>The words as typed, uncorrected</p>", 0, null, result.correctedFrom))
  if (result.suggestion)
    items.push(item(resultsPageUrl(result.suggestion),
      `Did you mean: <em>${escapeText(result.suggestion)}</em>?`,
      "<p>Show the tips for this spelling</p>", 0, null, query))
  if (result.nearest)
    items.push(item(result.nearest.url,
      `No tip matches. The nearest chapter: <em>${escapeText(result.nearest.title)}</em>`,
      "<p>Browse the tips about this subject</p>", 0, null, query))
  for (const hit of result.hits)
    items.push(item(hit.url, escapeText(hit.title),
      `<p><time class="tb-date" datetime="${escapeText(hit.date)}">`
        + `${escapeText(formatDate(hit.date))}</time> · ${safeSnippet(hit.snippet)}</p>`,
      hit.score, hit.chapters.map(escapeText), query))
  if (result.total > result.hits.length)
    items.push(item(resultsPageUrl(query),
      `All ${result.total} tips for “${escapeText(query)}”`,
      "<p>The full list, with chapter and year filters</p>", -2, null, query))
  return { items }
}

/* ----------------------------------------------------------------------------------- */

/*
 * Results as you type, without a fixed delay: a query is asked at once unless one is in
 * flight; keystrokes meanwhile only replace the pending query, asked when the answer
 * comes (an answer overtaken by newer keystrokes is not shown).
 */
let pending = null                     /* the newest query not asked yet */
let asking = false

async function answerQuery(query) {
  pending = query.trim()
  if (asking)
    return
  asking = true
  while (pending !== null) {
    const current = pending
    pending = null
    let result
    if (!current) {
      result = null
    } else {
      try {
        result = await (await getEngine()).search(current)
        if (!result.total && !result.error)
          result.nearest = await nearestChapter(current)
      } catch (err) {
        result = {
          total: 0, hits: [], unavailable: true,
          error: "the site's search does not answer: try again in a moment, or reload the page"
        }
      }
    }
    if (pending === null)
      self.postMessage({
        type: RESULT, data: result ? toMaterial(current, result) : { items: [] }
      })
  }
  asking = false
}

async function answerPage({ id, query, options }) {
  let result
  try {
    result = await (await getEngine()).search(query, options)
    if (!result.total && !result.error)
      result.nearest = await nearestChapter(query)
  } catch (err) {
    result = { total: 0, hits: [], facets: {}, error: "search is not available here" }
  }
  const { chapters, years } = await siteInfo()
  self.postMessage({
    type: PAGE, id, engine: (await getEngine().catch(() => ({}))).name,
    result, chapters, years
  })
}

self.addEventListener("message", ({ data }) => {
  switch (data.type) {
    case SETUP:                          /* Material's lunr index: not needed here */
      getEngine()
      self.postMessage({ type: READY })
      break
    case QUERY:
      answerQuery(String(data.data || ""))
      break
    case PAGE:
      answerPage(data)
      break
  }
})
