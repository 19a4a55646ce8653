// Starts Swagger UI on /api/openapi.json. A file of its own: the page's CSP (default-src 'self') allows no inline script.
window.SwaggerUIBundle({
  url: "/api/openapi.json",
  dom_id: "#swagger-ui",
  presets: [window.SwaggerUIBundle.presets.apis],
  layout: "BaseLayout",
  deepLinking: true,
  displayOperationId: true,
  tryItOutEnabled: true,
  validatorUrl: null, // Swagger UI would otherwise ask validator.swagger.io: this page stays offline
  withCredentials: false,
});
