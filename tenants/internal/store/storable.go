package store

import (
	"net/url"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/portalhub/portalhub/tenants/internal/errs"
)

// CheckStorable returns an InvalidArgument error about field when s cannot
// be stored as PostgreSQL text: it holds a NUL character (U+0000), which
// PostgreSQL refuses, or bytes that are not UTF-8. Callers check what
// requests carry before it reaches the database, so such input is a 400
// naming the field, not a server error.
func CheckStorable(field, s string) error {
	if strings.IndexByte(s, 0) < 0 && utf8.ValidString(s) {
		return nil
	}
	return errs.Invalid(field, "the text holds a NUL character (U+0000) or bytes that are not UTF-8",
		"Nội dung gửi lên chứa ký tự NUL (U+0000) hoặc byte không phải UTF-8; vui lòng xoá ký tự đó rồi gửi lại.")
}

// CheckStorableValues is CheckStorable for every value of vals (a form or a
// query), each named by its key, in the keys' order.
func CheckStorableValues(vals url.Values) error {
	keys := make([]string, 0, len(vals))
	for k := range vals {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if err := CheckStorable(k, k); err != nil {
			return err
		}
		for _, v := range vals[k] {
			if err := CheckStorable(k, v); err != nil {
				return err
			}
		}
	}
	return nil
}
