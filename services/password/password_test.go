package password

import (
	"context"
	"errors"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"
)

const goodPassword = "Ngựa ô chạy trên đồi 2026"

func TestHashFormatAndVerify(t *testing.T) {
	// The production parameters, once, so the format is the real one.
	h, err := Hash(goodPassword, Default)
	if err != nil {
		t.Fatal(err)
	}
	if want := "$argon2id$v=19$m=65536,t=3,p=2$"; !strings.HasPrefix(h, want) {
		t.Errorf("hash %q does not start with %q", h, want)
	}
	if parts := strings.Split(h, "$"); len(parts) != 6 || len(parts[4]) != 22 || len(parts[5]) != 43 {
		t.Errorf("hash %q: want a 16-byte salt and a 32-byte key, unpadded base64", h)
	}
	h2, _ := Hash(goodPassword, Default)
	if h == h2 {
		t.Error("two hashes of one password are equal: the salt is not random")
	}
	if got := CostOf(h, Cheap); got != Default {
		t.Errorf("CostOf = %+v, want %+v", got, Default)
	}
	if got := CostOf("", Cheap); got != Cheap {
		t.Errorf("CostOf(\"\") = %+v, want the fallback %+v", got, Cheap)
	}

	for _, tc := range []struct {
		name, password string
		want           bool
	}{
		{"same", goodPassword, true},
		{"decomposed (NFD) is the same password", norm.NFD.String(goodPassword), true},
		{"other", goodPassword + "!", false},
		{"empty", "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Verify(tc.password, h)
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("verify = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestVerifyRefusesMalformed(t *testing.T) {
	good, _ := Hash("abcdefghijkl", Cheap)
	parts := strings.Split(good, "$")
	for _, bad := range []string{
		"",
		"plaintext",
		"$argon2i$" + strings.Join(parts[2:], "$"),
		"$argon2id$v=16$" + strings.Join(parts[3:], "$"),
		"$argon2id$v=19$m=999999999,t=3,p=2$" + parts[4] + "$" + parts[5],
		"$argon2id$v=19$m=65536,t=0,p=2$" + parts[4] + "$" + parts[5],
		"$argon2id$v=19$m=65536,t=3,x=2$" + parts[4] + "$" + parts[5],
		"$argon2id$v=19$" + parts[3] + "$!!$" + parts[5],
		"$argon2id$v=19$" + parts[3] + "$" + parts[4],
	} {
		if _, err := Verify("abcdefghijkl", bad); !errors.Is(err, ErrMalformed) {
			t.Errorf("verify against %q: %v, want ErrMalformed", bad, err)
		}
	}
}

func TestCheck(t *testing.T) {
	for _, tc := range []struct {
		username, password string
		ok                 bool
	}{
		{"nguyen.a", goodPassword, true},
		{"nguyen.a", "Hoa sen nở", true},              // 10 characters with diacritics
		{"nguyen.a", "Hoa sen n", false},              // 9
		{"nguyen.a", norm.NFD.String("ơơơơơ"), false}, // 10 code points decomposed, 5 characters
		{"nguyen.a", "", false},
		{"nguyen.van.a", "Nguyen.Van.A", false}, // the username
		{"nguyen.a", "1234567890", false},
		{"nguyen.a", "MatKhau@123", false},
		{"nguyen.a", "Password123", false},
		{"nguyen.a", "aaaaaaaaaaaa", false},
		{"nguyen.a", strings.Repeat("x", 1100) + "y25", false}, // too long
	} {
		w := Check(tc.username, tc.password)
		if (w == nil) != tc.ok {
			t.Errorf("Check(%q, %q) = %v, want ok %v", tc.username, tc.password, w, tc.ok)
		}
		if w != nil && (w.English == "" || w.Vietnamese == "") {
			t.Errorf("Check(%q): %+v lacks a message", tc.password, w)
		}
	}
}

func TestGateRefusesBeyondCapacity(t *testing.T) {
	ctx := context.Background()
	g := NewGate(2*int64(Cheap.Memory), 0) // two cheap hashes at once
	r1, err := g.Enter(ctx, Cheap)
	if err != nil {
		t.Fatal(err)
	}
	r2, err := g.Enter(ctx, Cheap)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := g.Enter(ctx, Cheap); !errors.Is(err, ErrBusy) {
		t.Fatalf("third hash: %v, want ErrBusy", err)
	}
	r1()
	r3, err := g.Enter(ctx, Cheap)
	if err != nil {
		t.Fatalf("after a release: %v", err)
	}
	r2()
	r3()
	// A hash dearer than the whole gate takes all of it, not forever.
	r4, err := g.Enter(ctx, Default)
	if err != nil {
		t.Fatalf("a hash over capacity: %v", err)
	}
	r4()
}
