/** A refusal of an admin action, with a message meant for the person at the CLI. */
export class AdminError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'AdminError';
  }
}
