// "Email me the link again": a cash-on-delivery order's confirmation email, sent again on the
// customer's request (the storefront's confirmation and the tracking page). The server limits it
// (a few times, minutes apart) and says so; this turns its answer into words for the customer.

/** Ask for the email again; the sentence to show the customer. */
export async function resendConfirmationLink(client, orderId, email) {
  try {
    const { data } = await client.resendConfirmation(orderId, email);
    return data.queued
      ? `We have sent the email again to ${email}. It can take a few minutes: check your spam folder too.`
      : `The email is on its way to ${email}. It can take a few minutes: check your spam folder too.`;
  } catch (error) {
    if (error.code === 'rate_limited') return error.message;
    if (error.code === 'not_awaiting_confirmation') return 'This order does not need confirming any more.';
    if (error.isNetworkError) return 'We could not reach the shop just now. Try again in a minute.';
    return `We could not send the email again: ${error.message}`;
  }
}

/** Wire a "send again" button: disabled while asking, the answer in `messageId`. */
export function wireResendButton(button, messageId, say, target) {
  button.addEventListener('click', async () => {
    const { client, orderId, email } = target();
    button.disabled = true;
    say(messageId, 'Sending…');
    try {
      say(messageId, await resendConfirmationLink(client, orderId, email));
    } finally {
      button.disabled = false;
    }
  });
}
