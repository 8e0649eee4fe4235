// The query page: a small SPARQL highlighter, the examples, running a query and showing its answer.
// No library and no network access beyond this server: everything is built with DOM calls, and
// every value from a result is inserted as text, never as HTML.
"use strict";

const KEYWORDS = new Set(("BASE PREFIX SELECT CONSTRUCT DESCRIBE ASK FROM NAMED WHERE ORDER BY ASC DESC LIMIT " +
  "OFFSET DISTINCT REDUCED OPTIONAL GRAPH UNION MINUS FILTER EXISTS NOT IN BIND AS VALUES GROUP HAVING " +
  "SERVICE SILENT UNDEF COUNT SUM MIN MAX AVG SAMPLE GROUP_CONCAT SEPARATOR A TRUE FALSE").split(" "));
const TOKEN = new RegExp([
  "(#[^\\n]*)",                                                    // 1 comment
  "('''[\\s\\S]*?'''|\"\"\"[\\s\\S]*?\"\"\"|'(?:[^'\\\\\\n]|\\\\.)*'|\"(?:[^\"\\\\\\n]|\\\\.)*\")", // 2 string
  "(<[^<>\"{}|^`\\\\\\s]*>)",                                      // 3 IRI
  "([?$][\\w\\u00C0-\\uFFFF]+)",                                   // 4 variable
  "((?:[A-Za-z][\\w.-]*)?:[\\w.:%-]*)",                            // 5 prefixed name
  "([A-Za-z_][\\w]*)",                                             // 6 word
  "([0-9]+(?:\\.[0-9]*)?(?:[eE][+-]?[0-9]+)?)",                    // 7 number
].join("|"), "g");
const CLASSES = [null, "comment", "string", "iri", "var", "pname", "keyword", "number"];

function highlight(text, target) {
  target.replaceChildren();
  let last = 0;
  for (const match of text.matchAll(TOKEN)) {
    if (match.index > last) target.append(text.slice(last, match.index));
    let group = CLASSES.findIndex((_, i) => i > 0 && match[i] !== undefined);
    if (group === 6 && !KEYWORDS.has(match[0].toUpperCase())) group = 0;
    if (group > 0) {
      const span = document.createElement("span");
      span.className = "tok-" + CLASSES[group];
      span.textContent = match[0];
      target.append(span);
    } else {
      target.append(match[0]);
    }
    last = match.index + match[0].length;
  }
  target.append(text.slice(last) + "\n");
}

function termCell(term) {
  const cell = document.createElement("td");
  if (!term) return cell;
  if (term.type === "uri") {
    const link = document.createElement("a");
    link.href = term.value;
    link.textContent = term.value;
    cell.append(link);
  } else if (term.type === "bnode") {
    cell.textContent = "_:" + term.value;
  } else {
    cell.textContent = term.value;
    const note = term["xml:lang"] ? "@" + term["xml:lang"] : term.datatype ? "^^" + term.datatype.split(/[#/]/).pop() : "";
    if (note) {
      const small = document.createElement("small");
      small.textContent = " " + note;
      cell.append(small);
    }
  }
  return cell;
}

function solutionsTable(results) {
  const table = document.createElement("table");
  table.id = "sparql-table";
  const head = table.createTHead().insertRow();
  for (const name of results.head.vars) {
    const th = document.createElement("th");
    th.textContent = name;
    head.append(th);
  }
  const body = table.createTBody();
  for (const binding of results.results.bindings) {
    const row = body.insertRow();
    for (const name of results.head.vars) row.append(termCell(binding[name]));
  }
  return table;
}

// Charts are drawn here, from the results, with no library: a result whose last numeric column
// counts something is a bar chart (the other columns name each bar); one with a column of dates is
// a timeline. Anything else, or more than CHART_LIMIT rows, is shown as the table alone.
const SVG = "http://www.w3.org/2000/svg";
const CHART_LIMIT = 200;
const NUMERIC = /#(integer|decimal|double|float|int|long|short|nonNegativeInteger|positiveInteger)$/;

function svgElement(name, attributes, text) {
  const element = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, value);
  if (text !== undefined) element.textContent = text;
  return element;
}

function columnsWhere(results, test) {
  const rows = results.results.bindings;
  return results.head.vars.filter((name) => rows.every((row) => row[name] && test(row[name])));
}

function labelOf(row, names) {
  return names.map((name) => row[name] ? row[name].value : "").filter(Boolean).join(" · ");
}

function barChart(results, value, names) {
  const rows = results.results.bindings;
  const max = Math.max(...rows.map((row) => Number(row[value].value)), 1);
  const height = 24 * rows.length + 10;
  const svg = svgElement("svg", {id: "sparql-chart", class: "chart bars", viewBox: `0 0 900 ${height}`, width: "100%", role: "img"});
  rows.forEach((row, i) => {
    const count = Number(row[value].value);
    const label = labelOf(row, names);
    const group = svgElement("g", {class: "bar", "data-label": label, "data-value": String(count)});
    group.append(svgElement("title", {}, `${label}: ${count}`));
    group.append(svgElement("text", {x: 290, y: 24 * i + 20, "text-anchor": "end"}, label.length > 45 ? label.slice(0, 44) + "…" : label));
    group.append(svgElement("rect", {x: 300, y: 24 * i + 6, height: 18, width: Math.max(1, 540 * count / max)}));
    group.append(svgElement("text", {x: 306 + 540 * count / max, y: 24 * i + 20}, String(count)));
    svg.append(group);
  });
  return svg;
}

function timeline(results, dates, names) {
  const rows = results.results.bindings;
  const times = rows.map((row) => Date.parse(row[dates].value));
  const first = Math.min(...times), span = Math.max(Math.max(...times) - first, 1);
  const height = 22 * rows.length + 40;
  const svg = svgElement("svg", {id: "sparql-chart", class: "chart timeline", viewBox: `0 0 900 ${height}`, width: "100%", role: "img"});
  svg.append(svgElement("line", {class: "axis", x1: 20, y1: height - 20, x2: 880, y2: height - 20}));
  rows.forEach((row, i) => {
    const x = 20 + 860 * (times[i] - first) / span;
    const label = labelOf(row, names.filter((name) => name !== dates)) || row[dates].value;
    const group = svgElement("g", {class: "event", "data-date": row[dates].value});
    group.append(svgElement("title", {}, `${row[dates].value} ${label}`));
    group.append(svgElement("line", {class: "stem", x1: x, y1: 22 * i + 16, x2: x, y2: height - 20}));
    group.append(svgElement("circle", {cx: x, cy: 22 * i + 16, r: 5}));
    group.append(svgElement("text", {x: x + 8, y: 22 * i + 20}, label.length > 60 ? label.slice(0, 59) + "…" : label));
    svg.append(group);
  });
  return svg;
}

function chartFor(results) {
  const rows = results.results.bindings;
  if (rows.length < 1 || rows.length > CHART_LIMIT) return null;
  const isDate = (term) => term.type === "literal" && /#date$/.test(term.datatype || "");
  const dates = columnsWhere(results, isDate);
  if (dates.length) return timeline(results, dates[0], results.head.vars);
  const numeric = columnsWhere(results, (term) => term.type === "literal" && NUMERIC.test(term.datatype || ""));
  const value = numeric[numeric.length - 1];
  const names = results.head.vars.filter((name) => name !== value);
  return value && names.length ? barChart(results, value, names) : null;
}

function showDownloads(query, kind) {
  const section = document.getElementById("sparql-downloads");
  for (const list of section.querySelectorAll(".sparql-formats")) {
    list.hidden = list.dataset.kind !== kind;
    for (const link of list.querySelectorAll("a")) {
      link.href = "/sparql?" + new URLSearchParams({query, format: link.dataset.format});
    }
  }
  section.hidden = false;
}

async function run(query, status, output) {
  status.textContent = "Running…";
  output.replaceChildren();
  const started = performance.now();
  let response;
  try {
    response = await fetch("/sparql", {
      method: "POST",
      headers: {"Accept": "application/sparql-results+json, text/turtle;q=0.9"},
      body: new URLSearchParams({query}),
    });
  } catch (error) {
    status.textContent = "The server could not be reached: " + error;
    return;
  }
  const text = await response.text();
  const seconds = ((performance.now() - started) / 1000).toFixed(2);
  if (!response.ok) {
    status.textContent = `Error ${response.status}`;
    const pre = document.createElement("pre");
    pre.className = "sparql-error";
    pre.textContent = text;
    output.append(pre);
    return;
  }
  const type = response.headers.get("content-type") || "";
  if (type.startsWith("application/sparql-results+json")) {
    const results = JSON.parse(text);
    if ("boolean" in results) {
      status.textContent = `Answer in ${seconds} s`;
      const answer = document.createElement("p");
      answer.id = "sparql-boolean";
      answer.textContent = results.boolean ? "true" : "false";
      output.append(answer);
    } else {
      status.textContent = `${results.results.bindings.length} row(s) in ${seconds} s`;
      const chart = chartFor(results);
      if (chart) output.append(chart);
      output.append(solutionsTable(results));
    }
    showDownloads(query, "solutions");
  } else {
    status.textContent = `Graph in ${seconds} s`;
    const pre = document.createElement("pre");
    pre.id = "sparql-graph";
    pre.textContent = text;
    output.append(pre);
    showDownloads(query, "graph");
  }
}

document.addEventListener("DOMContentLoaded", () => {
  const editor = document.getElementById("sparql-query");
  const shown = document.getElementById("sparql-highlight");
  const status = document.getElementById("sparql-status");
  const output = document.getElementById("sparql-results");
  const refresh = () => highlight(editor.value, shown);
  editor.addEventListener("input", refresh);
  editor.addEventListener("scroll", () => { shown.scrollTop = editor.scrollTop; shown.scrollLeft = editor.scrollLeft; });
  for (const button of document.querySelectorAll(".sparql-example")) {
    button.addEventListener("click", () => { editor.value = button.dataset.query; refresh(); editor.focus(); });
  }
  document.getElementById("sparql-form").addEventListener("submit", (event) => {
    event.preventDefault();
    run(editor.value, status, output);
  });
  refresh();
});
