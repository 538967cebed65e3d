/** The floor of every cold load: a handler with no imports at all. */
export const handler = async () => ({ statusCode: 200, body: '' });
