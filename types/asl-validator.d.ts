// asl-validator has no type declarations of its own; test/support/asl-validator.ts gives it a type.
declare module 'asl-validator';
