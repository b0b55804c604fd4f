// Package personaldata keeps the personal data of citizens' submissions
// (names, e-mail addresses, phone numbers) encrypted at rest, and makes it
// unreadable for good when it is deleted (issue 9 point 6).
//
// Envelope encryption: every submission has its own random 256-bit data key
// (DataKey); each field is sealed with AES-256-GCM under it, the submission
// id and the field's name bound in as associated data, so a ciphertext moved
// to another record or field does not open. The data key is stored only
// wrapped (AES-256-GCM again) by a key-encryption key from the environment
// (Keyring, PERSONAL_DATA_KEYS), in the hub table personal_data_keys, one row
// per submission beside the id of the key that wrapped it, so the keys can
// rotate (Store.Rewrap) without touching the data.
//
// Deleting personal data is deleting its data-key row (Store.Destroy, and
// Store.Shred for the ones whose retention has ended): the ciphertexts,
// wherever they were copied, cannot be opened any more. docs/ARCHITECTURE.md
// ("Personal data at rest") says what this does and does not protect against.
package personaldata
