/** Handlebars template of charts_report.html; values escaped, the stylesheet spliced in at STYLES. */
export const CHARTS_TEMPLATE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>TerraFix experiment charts</title>
<style>
/*STYLES*/
</style>
</head>
<body>
<main>
<h1>TerraFix experiment charts</h1>
<p class="lead">{{count}} charts generated {{generatedAt}}. Each PNG is also in <code>charts/</code>, sized for a pull-request comment. Summary: <a href="{{summaryHref}}">{{summaryHref}}</a>.</p>
<nav>{{#each groups}}<a href="#{{id}}">{{name}}</a>{{/each}}</nav>
{{#each groups}}
<section id="{{id}}">
<h2>{{name}}</h2>
{{#each charts}}
<figure>
<img src="{{src}}" alt="{{title}}" width="{{width}}" height="{{height}}">
<figcaption><strong>{{title}}</strong> — {{analysis}} <span class="muted">(charts/{{file}})</span></figcaption>
</figure>
{{/each}}
</section>
{{/each}}
<h2 id="skipped">Charts not drawn</h2>
{{#if skipped}}
<ul>{{#each skipped}}<li><strong>{{title}}</strong>: {{reason}}.</li>{{/each}}</ul>
{{else}}
<p>None: the input had the data for every chart.</p>
{{/if}}
</main>
</body>
</html>
`;
