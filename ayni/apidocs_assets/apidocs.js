// Starts Swagger UI on /api/v1/docs. A file of its own because the page's CSP allows no inline script.
// Loaded with `defer` after swagger-ui-bundle.js: the page is parsed and SwaggerUIBundle defined by now.
// The page names the document to load (data-openapi-url), so its address lives in one place (ayni/apidocs.py).
'use strict';

window.ui = window.SwaggerUIBundle({
  url: document.getElementById('swagger-ui').dataset.openapiUrl,
  dom_id: '#swagger-ui',
  presets: [window.SwaggerUIBundle.presets.apis],
  layout: 'BaseLayout',
  deepLinking: true, // each operation has its own #fragment to link to
  displayRequestDuration: true,
  filter: true,
  requestSnippetsEnabled: true, // the curl command of each request tried
  validatorUrl: null, // no badge fetched from validator.swagger.io: the page talks to this API only
});
