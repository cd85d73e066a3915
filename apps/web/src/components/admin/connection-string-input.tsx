'use client';

import { useState } from 'react';
import { maskConnectionString, passwordText, unmaskConnectionString } from './conninfo-mask';

/**
 * The pasted connection string with its password shown as •••• once pasted or
 * left; the real text lives only in the parent's state. While the user types a
 * new password it stays visible until the field loses focus.
 */
export function ConnectionStringInput({
  value,
  onChange,
}: {
  value: string;
  onChange: (real: string) => void;
}) {
  const [masked, setMasked] = useState(true);
  const [pasting, setPasting] = useState(false);
  return (
    <input
      name="url"
      value={masked ? maskConnectionString(value) : value}
      onPaste={() => setPasting(true)}
      onChange={(e) => {
        const real = masked ? unmaskConnectionString(e.target.value, value) : e.target.value;
        if (!pasting && passwordText(real) !== passwordText(value)) setMasked(false);
        if (pasting) setMasked(true);
        setPasting(false);
        onChange(real);
      }}
      onBlur={() => setMasked(true)}
      autoComplete="off"
      spellCheck={false}
      required
    />
  );
}
