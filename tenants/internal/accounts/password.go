package accounts

import (
	"github.com/portalhub/portalhub/services/password"
)

// Cost parameters of new hashes: password.Default, and password.Cheap in
// test binaries (see New).
var (
	defaultParams = password.Default
	testParams    = password.Cheap
)

// CheckPassword applies the password policy (password.Check: at least 10
// characters, at most 1024 bytes, not the username, not one character
// repeated, not a very common password). Its errors are InvalidArgument
// with Vietnamese messages and errors.Is(err, ErrWeakPassword).
func CheckPassword(username, pw string) error {
	if w := password.Check(username, pw); w != nil {
		return wrap(ErrWeakPassword, w.English, w.Vietnamese)
	}
	return nil
}
