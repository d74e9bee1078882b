// Errors no retry can cure: the task stops as Failed at once, with the message as its cause.
// Engine-neutral, so the supervisor tells them from errors worth retrying.
export class NonRetryableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NonRetryableError';
  }
}

/** the source no longer holds the changes the task needs: continuing would leave a silent gap */
export class ChangesLostError extends NonRetryableError {
  constructor(message: string) {
    super(message);
    this.name = 'ChangesLostError';
  }
}
