// Completes an account link against the GraphQL API: the token (and uid) come from this
// page's query string exactly as the email printed them.
(function () {
  const body = document.body, outcome = document.getElementById("outcome");
  const mutation = body.dataset.mutation, params = new URLSearchParams(location.search);
  const documents = {
    verifyEmail: "mutation($token: String!) { verifyEmail(input: {token: $token}) { user { id } errors { field code message } } }",
    confirmEmailChange: "mutation($token: String!) { confirmEmailChange(input: {token: $token}) { user { id } errors { field code message } } }",
    resetPassword: "mutation($uid: String!, $token: String!, $new: String!) { resetPassword(input: {uid: $uid, token: $token, newPassword: $new}) { ok errors { field code message } } }",
  };
  const done = {
    // a page opened from a mailbox may not be signed in, and addresses are the owner's alone
    verifyEmail: () => "Your address is verified. You can upload now.",
    confirmEmailChange: () => "Your new address is confirmed: sign in with it from now on.",
    resetPassword: () => "Password changed. Sign in with it.",
  };

  async function send(variables) {
    outcome.textContent = "Working…";
    try {
      const response = await fetch(body.dataset.endpoint, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ query: documents[mutation], variables }),
      });
      const answer = await response.json();
      const result = answer.data && answer.data[mutation];
      if (!result) throw new Error((answer.errors || [{ message: response.statusText }])[0].message);
      outcome.textContent = result.errors && result.errors.length
        ? result.errors.map((e) => `${e.code}: ${e.message}`).join(" ")
        : done[mutation](result);
      outcome.dataset.state = result.errors && result.errors.length ? "refused" : "done";
    } catch (error) {
      outcome.textContent = `The API could not be reached: ${error.message}`;
      outcome.dataset.state = "failed";
    }
  }

  const token = params.get("token") || "";
  if (mutation === "resetPassword") {
    const form = document.getElementById("form");
    form.hidden = false;
    outcome.textContent = "";
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      send({ uid: params.get("uid") || "", token, new: document.getElementById("password").value });
    });
  } else {
    send({ token });
  }
})();
