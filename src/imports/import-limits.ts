import { MAX_ATTACHMENT_BYTES } from '../storage/storage.driver.js';

/** The largest CSV accepted: the multipart limit every upload shares (50 MiB, about 400,000 typical lead rows). */
export const MAX_IMPORT_FILE_BYTES = MAX_ATTACHMENT_BYTES;
/** Rows a dry run validates and answers. */
export const DRY_RUN_ROWS = 50;
/** Errors and log lines a job records at most (a file of bad rows must not fill the database). */
export const MAX_RECORDED_ERRORS = 10_000;
