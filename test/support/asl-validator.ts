// asl-validator ships no type declarations: a typed handle on its default export.
import validator from 'asl-validator';

export interface AslValidation {
  isValid: boolean;
  errorsText: (separator?: string) => string;
}

export const validateAsl = validator as unknown as (definition: unknown) => Promise<AslValidation>;
