/**
 * Handlebars template of experiment_summary.html. Every value is double-stashed (escaped); no triple-stash.
 * The stylesheet is spliced in at the STYLES marker before compiling.
 */
export const SUMMARY_TEMPLATE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{title}}</title>
<style>
/*STYLES*/
</style>
</head>
<body>
<main>
<h1>TerraFix experiment report</h1>
<p class="lead">Generated {{generatedAt}} from the raw per-run files.{{#if chartsReport}} All charts: <a href="{{chartsReport}}">{{chartsReport}}</a>.{{/if}}</p>

<section id="verdict" class="verdict verdict-{{verdict.cls}}">
  <div class="label {{verdict.cls}}">{{verdict.label}}</div>
  <div>{{verdict.runs}} runs · {{verdict.failedThresholds}} thresholds failed · {{verdict.errors}} run errors</div>
  {{#if verdict.failed}}
  <h3>Thresholds failed</h3>
  <ul>{{#each verdict.failed}}<li><strong>{{run}}</strong>: {{text}}</li>{{/each}}</ul>
  {{/if}}
  {{#if verdict.runErrors}}
  <h3>Runs without a result</h3>
  <ul>{{#each verdict.runErrors}}<li><strong>{{run}}</strong>: {{text}}</li>{{/each}}</ul>
  {{/if}}
  {{#if verdict.regression}}
  <h3>Baseline: <span class="{{verdict.regression.cls}}">{{verdict.regression.label}}</span></h3>
  <p>{{verdict.regression.text}}</p>
  {{/if}}
</section>

<dl class="meta">{{#each meta}}<dt>{{key}}</dt><dd>{{value}}</dd>{{/each}}</dl>

<nav>{{#each experiments}}<a href="#{{id}}">{{name}}</a>{{/each}}{{#if comparison}}<a href="#comparison">baseline comparison</a>{{/if}}</nav>

{{#each overview}}
<figure><img src="{{src}}" alt="{{title}}" width="1000"><figcaption>{{analysis}}</figcaption></figure>
{{/each}}

{{#if comparison}}
<section id="comparison">
<h2>Baseline comparison</h2>
<p>Baseline: {{comparison.source}}. Tolerances: {{comparison.tolerances}}. Only p95, achieved rate and error rate decide the verdict; the other deltas are for reading.</p>
{{#each comparison.warnings}}<p class="warn">Note: {{this}}.</p>{{/each}}
<div class="scroll">
<table class="comparison">
<thead><tr><th class="name">run</th><th>verdict</th>{{#each comparison.headers}}<th>{{this}}</th>{{/each}}</tr></thead>
<tbody>
{{#each comparison.rows}}
<tr><td class="name">{{run}}</td><td class="{{cls}}">{{verdict}}</td>{{#each cells}}<td class="{{cls}}">{{text}}<span class="change">{{change}}</span></td>{{/each}}</tr>
{{#each reasons}}<tr><td></td><td class="text fail" colspan="7">{{this}}</td></tr>{{/each}}
{{/each}}
</tbody>
</table>
</div>
{{#if comparison.missingInBaseline}}<p>New runs, not in the baseline: {{#each comparison.missingInBaseline}}<code>{{this}}</code> {{/each}}</p>{{/if}}
{{#if comparison.missingInCurrent}}<p>Runs in the baseline only: {{#each comparison.missingInCurrent}}<code>{{this}}</code> {{/each}}</p>{{/if}}
{{#if comparison.notComparable}}<p>Not compared: {{#each comparison.notComparable}}<code>{{run}}</code> ({{reason}}) {{/each}}</p>{{/if}}
</section>
{{/if}}

{{#each experiments}}
<section id="{{id}}">
<h2>{{name}}</h2>
<p class="muted">{{description}}</p>
<h3>Findings</h3>
<ul class="findings">
{{#each sentences}}<li><strong>{{this}}</strong></li>{{/each}}
{{#each runs}}{{#each sentences}}<li>{{this}}</li>{{/each}}{{/each}}
</ul>

<h3>Load and latency</h3>
<div class="scroll">
<table class="runs">
<thead><tr><th class="name">run</th><th>status</th><th>requests</th><th>achieved rate</th><th>intended rate</th><th>dropped</th><th>error rate</th><th>p50</th><th>p95</th><th>p99</th><th>p99.9</th><th>max</th><th class="name">thresholds</th></tr></thead>
<tbody>
{{#each loadRows}}
<tr><td class="name">{{name}}</td><td class="{{statusCls}}">{{status}}</td>
{{#if error}}<td class="text fail" colspan="11">{{error}}</td>{{else}}
<td>{{requests}}</td><td>{{achieved}}</td><td>{{intended}}</td><td>{{dropped}}</td><td class="{{errorCls}}">{{errorRate}}</td><td>{{p50}}</td><td>{{p95}}</td><td>{{p99}}</td><td>{{p999}}</td><td>{{max}}</td>
<td><ul class="thresholds">{{#each thresholds}}<li class="{{cls}}">{{mark}} {{text}}</li>{{else}}<li class="muted">none</li>{{/each}}</ul></td>{{/if}}
</tr>
{{/each}}
</tbody>
</table>
</div>

<h3>Server: mean time per pipeline stage</h3>
<div class="scroll">
<table class="stages">
<thead><tr><th class="name">run</th>{{#each ../stageHeaders}}<th>{{this}}</th>{{/each}}</tr></thead>
<tbody>
{{#each serverRows}}
<tr><td class="name">{{name}}</td>{{#if missing}}<td class="text muted" colspan="7">no server metrics</td>{{else}}{{#each stages}}<td>{{this}}</td>{{/each}}{{/if}}</tr>
{{/each}}
</tbody>
</table>
</div>

<h3>Server: queue, dedup and faults</h3>
<div class="scroll">
<table class="server">
<thead><tr><th class="name">run</th><th>processed</th><th>queue peak</th><th>workers peak</th><th>dedup hit rate</th><th class="name">injected faults</th><th class="name">observed</th><th>RSS peak</th><th>CPU per failure</th></tr></thead>
<tbody>
{{#each serverRows}}
<tr><td class="name">{{name}}</td>{{#if missing}}<td class="text muted" colspan="8">no server metrics</td>{{else}}<td>{{processed}}</td><td>{{queuePeak}}</td><td>{{workersPeak}}</td><td>{{dedup}}</td><td class="text">{{injected}}</td><td class="text">{{observed}}</td><td>{{rssPeak}}</td><td>{{cpu}}</td>{{/if}}</tr>
{{/each}}
</tbody>
</table>
</div>

{{#each charts}}
<figure><img src="{{src}}" alt="{{title}}" width="1000"><figcaption>{{analysis}}</figcaption></figure>
{{/each}}
</section>
{{/each}}
</main>
</body>
</html>
`;
