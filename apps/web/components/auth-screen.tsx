'use client';

import { useId, useState, type FormEvent } from 'react';
import { credentialsSchema, LIMITS, type Credentials } from '@chat/shared';
import { errorMessage } from '../lib/api';
import { capitalize } from '../lib/text';
import {
  alertClass,
  fieldErrorClass,
  focusRing,
  inputClass,
  labelClass,
  noticeClass,
  primaryButtonClass,
} from './ui';

type Mode = 'login' | 'register';
type FieldErrors = Partial<Record<keyof Credentials, string>>;

interface Props {
  /** Shown above the form, e.g. "Your session has ended, please log in again". */
  notice: string | null;
  onLogin: (credentials: Credentials) => Promise<void>;
  onRegister: (credentials: Credentials) => Promise<void>;
}

/** Log in or register: one form, two modes, validated with the shared schema. */
export function AuthScreen({ notice, onLogin, onRegister }: Props) {
  const [mode, setMode] = useState<Mode>('login');
  const [values, setValues] = useState<Credentials>({ username: '', password: '' });
  const [touched, setTouched] = useState<Partial<Record<keyof Credentials, boolean>>>({});
  const [submitted, setSubmitted] = useState(false);
  const [serverError, setServerError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const id = useId();

  const errors = validate(values);
  const shown = (field: keyof Credentials) =>
    submitted || touched[field] ? errors[field] : undefined;

  const switchMode = (next: Mode) => {
    setMode(next);
    setServerError(null);
    setSubmitted(false);
  };

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setSubmitted(true);
    setServerError(null);
    const parsed = credentialsSchema.safeParse(values);
    if (!parsed.success) return;
    setBusy(true);
    try {
      await (mode === 'login' ? onLogin : onRegister)(parsed.data);
    } catch (error) {
      setServerError(errorMessage(error));
      setBusy(false);
    }
  };

  const set = (field: keyof Credentials) => (value: string) =>
    setValues((current) => ({ ...current, [field]: value }));

  return (
    <main className="flex min-h-dvh items-center justify-center bg-zinc-50 p-4 dark:bg-zinc-950">
      <div className="w-full max-w-sm rounded-xl border border-zinc-200 bg-white p-6 shadow-xs dark:border-zinc-800 dark:bg-zinc-900">
        <h1 className="mb-4 text-center text-2xl font-bold">Chat</h1>

        <div
          className="mb-5 grid grid-cols-2 gap-1 rounded-lg bg-zinc-100 p-1 dark:bg-zinc-800"
          role="group"
          aria-label="Choose"
        >
          {(['login', 'register'] as const).map((option) => (
            <button
              key={option}
              type="button"
              aria-pressed={mode === option}
              data-testid={`auth-mode-${option}`}
              onClick={() => switchMode(option)}
              className={`rounded-md px-3 py-1.5 text-sm font-medium ${focusRing} ${
                mode === option
                  ? 'bg-white text-zinc-900 shadow-xs dark:bg-zinc-950 dark:text-zinc-100'
                  : 'text-zinc-600 hover:text-zinc-900 dark:text-zinc-400 dark:hover:text-zinc-100'
              }`}
            >
              {option === 'login' ? 'Log in' : 'Register'}
            </button>
          ))}
        </div>

        {notice && (
          <p className={`mb-4 ${noticeClass}`} role="status" data-testid="session-notice">
            {notice}
          </p>
        )}

        <form noValidate onSubmit={submit} data-testid="auth-form" data-mode={mode}>
          <div className="mb-4">
            <label htmlFor={`${id}-username`} className={labelClass}>
              Username
            </label>
            <input
              id={`${id}-username`}
              name="username"
              autoComplete="username"
              autoCapitalize="none"
              spellCheck={false}
              maxLength={LIMITS.usernameMax}
              value={values.username}
              onChange={(e) => set('username')(e.target.value)}
              onBlur={() => setTouched((t) => ({ ...t, username: true }))}
              aria-invalid={shown('username') ? true : undefined}
              aria-describedby={shown('username') ? `${id}-username-error` : undefined}
              className={inputClass}
              data-testid="auth-username"
            />
            {shown('username') && (
              <p id={`${id}-username-error`} className={fieldErrorClass}>
                {shown('username')}
              </p>
            )}
          </div>

          <div className="mb-5">
            <label htmlFor={`${id}-password`} className={labelClass}>
              Password
            </label>
            <input
              id={`${id}-password`}
              name="password"
              type="password"
              autoComplete={mode === 'login' ? 'current-password' : 'new-password'}
              maxLength={LIMITS.passwordMax}
              value={values.password}
              onChange={(e) => set('password')(e.target.value)}
              onBlur={() => setTouched((t) => ({ ...t, password: true }))}
              aria-invalid={shown('password') ? true : undefined}
              aria-describedby={
                shown('password')
                  ? `${id}-password-error`
                  : mode === 'register'
                    ? `${id}-password-hint`
                    : undefined
              }
              className={inputClass}
              data-testid="auth-password"
            />
            {shown('password') ? (
              <p id={`${id}-password-error`} className={fieldErrorClass}>
                {shown('password')}
              </p>
            ) : (
              mode === 'register' && (
                <p
                  id={`${id}-password-hint`}
                  className="mt-1 text-xs text-zinc-500 dark:text-zinc-400"
                >
                  {LIMITS.passwordMin} to {LIMITS.passwordMax} characters.
                </p>
              )
            )}
          </div>

          {serverError && (
            <p role="alert" className={`mb-4 ${alertClass}`} data-testid="auth-error">
              {serverError}
            </p>
          )}

          <button
            type="submit"
            disabled={busy}
            className={`w-full ${primaryButtonClass}`}
            data-testid="auth-submit"
          >
            {busy ? 'Please wait…' : mode === 'login' ? 'Log in' : 'Create account'}
          </button>
        </form>
      </div>
    </main>
  );
}

/** Field errors from the shared schema: the first message per field. */
function validate(values: Credentials): FieldErrors {
  const result = credentialsSchema.safeParse(values);
  if (result.success) return {};
  const errors: FieldErrors = {};
  for (const issue of result.error.issues) {
    const field = issue.path[0];
    if ((field === 'username' || field === 'password') && !errors[field]) {
      errors[field] = capitalize(issue.message);
    }
  }
  return errors;
}
