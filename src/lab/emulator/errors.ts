/** An API error answered as `{ id, message, request_id }`, the shape every DigitalOcean error has. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly id: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const notFound = (what = 'The resource you were accessing'): ApiError =>
  new ApiError(404, 'not_found', `${what} could not be found.`);

/** 422 naming the offending field first, so a client can show exactly what to fix. */
export const unprocessable = (field: string, problem: string): ApiError =>
  new ApiError(422, 'unprocessable_entity', `${field} ${problem}`);

export const forbidden = (message: string): ApiError => new ApiError(403, 'forbidden', message);

export const badRequest = (message: string): ApiError => new ApiError(400, 'bad_request', message);

export const unauthorized = (): ApiError => new ApiError(401, 'unauthorized', 'Unable to authenticate you');

export const pendingEvent = (): ApiError =>
  new ApiError(422, 'unprocessable_entity', 'Droplet already has a pending event.');
