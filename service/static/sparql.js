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
