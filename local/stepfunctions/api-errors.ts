// The Step Functions API's errors, with AWS's names and HTTP status codes
// (https://docs.aws.amazon.com/step-functions/latest/apireference/CommonErrors.html and each action's page).

export type ApiErrorName =
  | 'StateMachineDoesNotExist'
  | 'StateMachineAlreadyExists'
  | 'StateMachineDeleting'
  | 'ExecutionDoesNotExist'
  | 'ExecutionAlreadyExists'
  | 'InvalidDefinition'
  | 'InvalidArn'
  | 'InvalidName'
  | 'InvalidExecutionInput'
  | 'TaskDoesNotExist'
  | 'ActivityDoesNotExist'
  | 'ActivityAlreadyExists'
  | 'TaskTimedOut'
  | 'InvalidToken'
  | 'InvalidOutput'
  | 'ResourceNotFound'
  | 'TooManyTags'
  | 'StateMachineTypeNotSupported'
  | 'ExecutionNotRedrivable'
  | 'ConflictException'
  | 'ServiceQuotaExceededException'
  | 'ValidationException'
  | 'SerializationException'
  | 'UnknownOperationException'
  | 'InternalFailure';

/** An API error the HTTP layer turns into `{ "__type": name, "message": … }` with its status code. */
export class SfnApiError extends Error {
  readonly code: ApiErrorName;
  readonly statusCode: number;
  /** Members the error shape has besides its message (`resourceName` of TooManyTags). */
  readonly fields: Readonly<Record<string, string>>;

  constructor(
    code: ApiErrorName,
    message: string,
    statusCode = code === 'InternalFailure' ? 500 : 400,
    fields: Record<string, string> = {},
  ) {
    super(message);
    this.fields = fields;
    this.name = 'SfnApiError';
    this.code = code;
    this.statusCode = statusCode;
  }
}
