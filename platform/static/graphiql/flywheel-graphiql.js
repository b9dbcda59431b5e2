// Starts GraphiQL on this server's endpoint (HTTP for queries and mutations, graphql-transport-ws
// for subscriptions), with the explorer plugin. A file rather than an inline script, so the page
// runs under a Content-Security-Policy without 'unsafe-inline'. Modelled on Strawberry's
// graphiql.html (MIT); the query, variables and headers are kept in the address for sharing.
(function () {
  const WELCOME = "# Flywheel's GraphQL API. Ctrl-Enter runs; Ctrl-Space completes.\n" +
    "# The Docs pane describes every type and field.\n{\n  trendingHashtags(first: 5) { name }\n}\n";
  const parameters = Object.fromEntries(new URLSearchParams(window.location.search));

  function remember(changes) {
    Object.assign(parameters, changes);
    const kept = Object.entries(parameters).filter(([, value]) => Boolean(value));
    history.replaceState(null, "", "?" + new URLSearchParams(kept).toString());
  }

  const endpoint = window.location.href.split("?")[0];
  const socket = new URL(endpoint);
  socket.protocol = socket.protocol === "https:" ? "wss:" : "ws:";
  socket.hash = "";
  const headers = {};
  const csrf = Cookies.get("csrftoken");
  if (csrf) headers["x-csrftoken"] = csrf;
  const fetcher = GraphiQL.createFetcher({ url: endpoint, headers, subscriptionUrl: socket.toString() });
  const explorer = GraphiQLPluginExplorer.explorerPlugin();

  function Page() {
    const [query, setQuery] = React.useState(parameters.q || WELCOME);
    const [variables, setVariables] = React.useState(parameters.variables);
    const [extraHeaders, setHeaders] = React.useState(parameters.headers);
    return React.createElement(GraphiQL, {
      fetcher,
      plugins: [explorer],
      defaultEditorToolsVisibility: true,
      query,
      variables,
      headers: extraHeaders,
      onEditQuery: (value) => { setQuery(value); remember({ q: value }); },
      onEditVariables: (value) => { setVariables(value); remember({ variables: value }); },
      onEditHeaders: setHeaders,
      inputValueDeprecation: true,
      isHeadersEditorEnabled: true,
      shouldPersistHeaders: true,
    });
  }

  ReactDOM.createRoot(document.getElementById("graphiql")).render(React.createElement(Page));
})();
