package accounts

import (
	"errors"
	"strings"
	"testing"

	"github.com/portalhub/portalhub/tenants/internal/errs"
)

// TestCheckPassword: the policy itself is services/password's (tested
// there); here, that its refusals are ErrWeakPassword with its reason.
func TestCheckPassword(t *testing.T) {
	if err := CheckPassword("nguyen.a", goodPassword); err != nil {
		t.Errorf("good password: %v", err)
	}
	err := CheckPassword("nguyen.a", "1234567890")
	var e *errs.Error
	if !errors.Is(err, ErrWeakPassword) || !errors.As(err, &e) || !strings.Contains(e.MessageVI, "quá phổ biến") {
		t.Errorf("common password: %#v, want ErrWeakPassword with the policy's reason", err)
	}
}
