package personaldata

import (
	"errors"
	"fmt"
	"os"
)

// The environment variables the keyring is read from.
const (
	// EnvKeys holds the key-encryption keys, "id1:base64,id2:base64".
	EnvKeys = "PERSONAL_DATA_KEYS"
	// EnvKeysFile names a file holding them instead, one "id:base64" a line.
	EnvKeysFile = "PERSONAL_DATA_KEYS_FILE"
	// EnvCurrent is the id of the key that wraps new data keys.
	EnvCurrent = "PERSONAL_DATA_KEY_CURRENT"
	// EnvShredLog names the shred log (ShredLog), kept with the backups.
	EnvShredLog = "PERSONAL_DATA_SHRED_LOG"
)

// ShredLogFromEnv opens the shred log PERSONAL_DATA_SHRED_LOG names, or
// returns nil when it names none.
func ShredLogFromEnv(getenv func(string) string) (*ShredLog, error) {
	path := getenv(EnvShredLog)
	if path == "" {
		return nil, nil
	}
	l, err := OpenShredLog(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", EnvShredLog, err)
	}
	return l, nil
}

// KeyringFromEnv reads the keyring from PERSONAL_DATA_KEYS (or the file
// PERSONAL_DATA_KEYS_FILE names) and PERSONAL_DATA_KEY_CURRENT, through
// getenv (os.Getenv in a program). A service that keeps personal data calls
// it at start-up and refuses to start on its error, which says what is
// wrong and how to make a key, and never holds a key.
func KeyringFromEnv(getenv func(string) string) (*Keyring, error) {
	list, file := getenv(EnvKeys), getenv(EnvKeysFile)
	source := EnvKeys
	switch {
	case list != "" && file != "":
		return nil, fmt.Errorf("%s and %s are both set; set one", EnvKeys, EnvKeysFile)
	case file != "":
		b, err := os.ReadFile(file)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", EnvKeysFile, err)
		}
		list, source = string(b), EnvKeysFile+" "+file
	case list == "":
		return nil, errors.New("personal data cannot be kept encrypted: set " + EnvKeys +
			`="k1:$(openssl rand -base64 32)" and ` + EnvCurrent + "=k1 (docs/OPERATIONS.md, \"Personal data keys\")")
	}
	r, err := ParseKeyring(list, getenv(EnvCurrent))
	if err != nil {
		return nil, fmt.Errorf("%s, %s: %w", source, EnvCurrent, err)
	}
	return r, nil
}
