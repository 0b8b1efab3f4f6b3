/** The reports' inline stylesheet (static text: the HTML files carry no external assets). */
export const STYLES = `
  :root {
    --pass: #1a7f37;
    --fail: #cf222e;
    --warn: #9a6700;
    --line: #d0d7de;
    --muted: #57606a;
  }
  * {
    box-sizing: border-box;
  }
  body {
    font:
      15px/1.5 -apple-system,
      'Segoe UI',
      'DejaVu Sans',
      Helvetica,
      Arial,
      sans-serif;
    color: #1f2328;
    margin: 0;
    background: #f6f8fa;
  }
  main {
    max-width: 1280px;
    margin: 0 auto;
    padding: 24px;
    background: #fff;
  }
  h1 {
    font-size: 26px;
    margin: 0 0 8px;
  }
  h2 {
    font-size: 21px;
    margin: 32px 0 8px;
    border-bottom: 1px solid var(--line);
    padding-bottom: 4px;
  }
  h3 {
    font-size: 17px;
    margin: 20px 0 6px;
  }
  p.lead,
  .muted {
    color: var(--muted);
  }
  .verdict {
    border: 2px solid;
    border-radius: 8px;
    padding: 12px 16px;
    margin: 16px 0;
  }
  .verdict-pass {
    border-color: var(--pass);
    background: #dafbe1;
  }
  .verdict-fail {
    border-color: var(--fail);
    background: #ffebe9;
  }
  .verdict .label {
    font-size: 28px;
    font-weight: 700;
  }
  .pass {
    color: var(--pass);
  }
  .fail {
    color: var(--fail);
    font-weight: 600;
  }
  .warn {
    color: var(--warn);
  }
  table {
    border-collapse: collapse;
    width: 100%;
    margin: 8px 0 16px;
    font-size: 13px;
  }
  th,
  td {
    border: 1px solid var(--line);
    padding: 4px 6px;
    text-align: right;
    vertical-align: top;
    white-space: nowrap;
  }
  td.text {
    white-space: normal;
    min-width: 16em;
  }
  th {
    background: #f6f8fa;
  }
  td.name,
  th.name,
  td.text {
    text-align: left;
  }
  .scroll {
    overflow-x: auto;
  }
  dl.meta {
    display: grid;
    grid-template-columns: max-content 1fr;
    gap: 2px 16px;
    margin: 0;
    font-size: 13px;
  }
  dl.meta dt {
    color: var(--muted);
  }
  dl.meta dd {
    margin: 0;
  }
  ul.findings li {
    margin: 4px 0;
  }
  ul.thresholds {
    list-style: none;
    margin: 0;
    padding: 0;
    text-align: left;
    white-space: nowrap;
  }
  figure {
    margin: 12px 0 20px;
  }
  figure img {
    max-width: 100%;
    height: auto;
    border: 1px solid var(--line);
  }
  figcaption {
    color: var(--muted);
    font-size: 14px;
  }
  nav a {
    margin-right: 12px;
  }
  .change {
    display: block;
    color: var(--muted);
    font-size: 12px;
  }
`;
