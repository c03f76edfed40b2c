import { unprocessable } from './errors.js';

/** Request-body checks that fail with a 422 naming the field, as the real API does. */

export function bodyObject(body: unknown): Record<string, unknown> {
  if (body === undefined) return {};
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw unprocessable('body', 'must be a JSON object');
  }
  return body as Record<string, unknown>;
}

export function requiredString(body: Record<string, unknown>, field: string): string {
  const value = body[field];
  if (typeof value !== 'string' || value.trim() === '')
    throw unprocessable(field, 'is required and must be a non-empty string');
  return value;
}

export function optionalString(body: Record<string, unknown>, field: string): string | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw unprocessable(field, 'must be a string');
  return value;
}

export function optionalBoolean(body: Record<string, unknown>, field: string): boolean {
  const value = body[field];
  if (value === undefined || value === null) return false;
  if (typeof value !== 'boolean') throw unprocessable(field, 'must be true or false');
  return value;
}

export function stringArray(body: Record<string, unknown>, field: string): string[] {
  const value = body[field];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) {
    throw unprocessable(field, 'must be an array of strings');
  }
  return value as string[];
}

const tagPattern = /^[a-zA-Z0-9_\-:]+$/;

export function checkTagName(name: string, field: string): void {
  if (!tagPattern.test(name) || name.length > 255) {
    throw unprocessable(
      field,
      `"${name}" is not a valid tag name: use letters, digits, "_", "-" and ":" (at most 255)`,
    );
  }
}

const hostnamePattern = /^[a-zA-Z0-9]([a-zA-Z0-9.-]{0,253}[a-zA-Z0-9])?$/;

export function checkDropletName(name: string, field: string): void {
  if (!hostnamePattern.test(name)) {
    throw unprocessable(field, `"${name}" is not a valid hostname: use letters, digits, "." and "-"`);
  }
}
