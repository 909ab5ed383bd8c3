import {
  checkCharacter,
  generateCertificateNumber,
  NUMBER_ALPHABET,
  parseCertificateNumber,
} from './certificate-number';

function sequence(values: number[]): (max: number) => number {
  let i = 0;
  return () => values[i++ % values.length];
}

describe('certificate numbers', () => {
  it('look like F26-XXXX-XXXX and carry the exam letter and year', () => {
    expect(generateCertificateNumber('FOUNDATION', 2026)).toMatch(/^F26-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    expect(generateCertificateNumber('PRACTITIONER', 2027)).toMatch(/^P27-/);
    expect(generateCertificateNumber('AUDITOR', 2030)).toMatch(/^A30-/);
  });

  it('accept their own check character, however a person types them', () => {
    const number = generateCertificateNumber('AUDITOR', 2026, sequence([0, 1, 24, 7, 31, 18, 3]));
    expect(parseCertificateNumber(number)).toEqual({ ok: true, number });
    expect(parseCertificateNumber(` ${number.toLowerCase().replace(/-/g, ' ')} `)).toEqual({
      ok: true,
      number,
    });
    // O read as 0, I and L as 1
    expect(parseCertificateNumber(number.replace(/0/g, 'O').replace(/1/g, 'l'))).toEqual({
      ok: true,
      number,
    });
  });

  it('catch every single mistyped character', () => {
    for (let n = 0; n < 50; n++) {
      const number = generateCertificateNumber('FOUNDATION', 2026).replace(/-/g, '');
      for (let pos = 3; pos < number.length; pos++) {
        for (const replacement of NUMBER_ALPHABET) {
          if (replacement === number[pos]) continue;
          const typo = number.slice(0, pos) + replacement + number.slice(pos + 1);
          const parsed = parseCertificateNumber(typo);
          expect(parsed).toMatchObject({ ok: false, problem: 'CHECK_CHARACTER' });
        }
      }
    }
  });

  it('catch nearly every swap of two neighbouring characters', () => {
    let swaps = 0;
    let caught = 0;
    for (let n = 0; n < 200; n++) {
      const number = generateCertificateNumber('PRACTITIONER', 2026).replace(/-/g, '');
      for (let pos = 3; pos < number.length - 1; pos++) {
        if (number[pos] === number[pos + 1]) continue;
        swaps++;
        const typo = number.slice(0, pos) + number[pos + 1] + number[pos] + number.slice(pos + 2);
        if (!parseCertificateNumber(typo).ok) caught++;
      }
    }
    expect(caught / swaps).toBeGreaterThan(0.99);
  });

  it('explain a malformed number with an example', () => {
    const parsed = parseCertificateNumber('12345');
    expect(parsed).toMatchObject({ ok: false, problem: 'FORMAT' });
    expect(!parsed.ok && parsed.message).toContain('F26-7K3Q-M9PA');
    expect(parseCertificateNumber('X26-7K3Q-M9PA')).toMatchObject({ ok: false, problem: 'FORMAT' });
    expect(parseCertificateNumber('F26-7K3Q-M9PU')).toMatchObject({ ok: false, problem: 'FORMAT' }); // U is not in the alphabet
  });

  it('use a documented example that is itself valid', () => {
    expect(parseCertificateNumber('F26-7K3Q-M9PA')).toEqual({ ok: true, number: 'F26-7K3Q-M9PA' });
    expect(checkCharacter('F267K3QM9P')).toBe('A');
  });
});
