package hubstore

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestTenantRegistry(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	founded := time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC)
	want := Tenant{ID: "so-du-lich", Kind: "department", NameVI: "Sở Du lịch", NameEN: "Department of Tourism",
		Registry: Registry{ParentID: "tenant-a", AddressVI: "Số 9 Biệt Thự", AddressEN: "9 Biet Thu Street",
			Phone: "0258 3822 750", Fax: "0258 3822 751", Email: "sodulich@khanhhoa.gov.vn",
			Responsible: "Ông Phan Thanh Sơn, Giám đốc Sở", Licence: "Giấy phép số 45/GP-TTĐT",
			EstablishedOn: &founded, Hosts: []string{"sodulich.khanhhoa.gov.vn", "dulich.khanhhoa.gov.vn"}}}
	if err := s.AddTenant(ctx, "test", want); err != nil {
		t.Fatalf("AddTenant: %v", err)
	}
	got, err := s.Tenant(ctx, "so-du-lich")
	if err != nil {
		t.Fatal(err)
	}
	if got.ParentID != "tenant-a" || got.Fax != want.Fax || got.Responsible != want.Responsible ||
		got.EstablishedOn == nil || !got.EstablishedOn.Equal(founded) ||
		!slices.Equal(got.Hosts, want.Hosts) {
		t.Fatalf("registry = %+v, want %+v", got.Registry, want.Registry)
	}

	// Editing replaces the host names; the first is the primary one.
	want.Hosts = []string{"dulich.khanhhoa.gov.vn"}
	want.NameRU = "Департамент туризма"
	if err := s.UpdateTenant(ctx, "test", want); err != nil {
		t.Fatalf("UpdateTenant: %v", err)
	}
	if got, _ = s.Tenant(ctx, "so-du-lich"); !slices.Equal(got.Hosts, want.Hosts) || got.NameRU != want.NameRU {
		t.Fatalf("after update: hosts %v, name_ru %q", got.Hosts, got.NameRU)
	}

	// A host name belongs to one tenant.
	other := Tenant{ID: "so-khcn", Kind: "department", NameVI: "Sở KH&CN", Registry: Registry{Hosts: []string{"dulich.khanhhoa.gov.vn"}}}
	if err := s.AddTenant(ctx, "test", other); !errors.Is(err, ErrConflict) {
		t.Fatalf("second tenant on a taken host: %v, want ErrConflict", err)
	}
	if _, err := s.Tenant(ctx, "so-khcn"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("a refused registration left the tenant behind: %v", err)
	}

	bad := []struct {
		name string
		edit func(*Tenant)
	}{
		{"own parent", func(t *Tenant) { t.ParentID = t.ID }},
		{"cycle", func(t *Tenant) { t.ID, t.ParentID = "tenant-a", "so-du-lich" }},
		{"unknown parent", func(t *Tenant) { t.ParentID = "no-such-unit" }},
		{"host with port", func(t *Tenant) { t.Hosts = []string{"dulich.khanhhoa.gov.vn:8080"} }},
		{"upper-case host", func(t *Tenant) { t.Hosts = []string{"DuLich.khanhhoa.gov.vn"} }},
		{"host twice", func(t *Tenant) { t.Hosts = []string{"a.example.vn", "a.example.vn"} }},
		{"bad e-mail", func(t *Tenant) { t.Email = "not an address" }},
		{"dissolved before established", func(t *Tenant) {
			d := founded.AddDate(-1, 0, 0)
			t.DissolvedOn = &d
		}},
	}
	for _, c := range bad {
		tn := want
		tn.Hosts = slices.Clone(want.Hosts)
		c.edit(&tn)
		err := s.UpdateTenant(ctx, "test", tn)
		if !errors.Is(err, ErrInvalidArgument) && !errors.Is(err, ErrNotFound) {
			t.Errorf("%s: UpdateTenant = %v, want ErrInvalidArgument", c.name, err)
		}
	}
	// A parent that is not a tenant is named, with the fix (it was "not
	// found (tenants_parent_id_fkey)", which reads as the tenant itself
	// missing).
	orphan := want
	orphan.ParentID = "vp-ubnd-x"
	var invalid *Invalid
	if err := s.UpdateTenant(ctx, "test", orphan); !errors.As(err, &invalid) ||
		!strings.Contains(invalid.English, `parent "vp-ubnd-x" is not a tenant`) || !strings.Contains(invalid.English, "tenants add --id vp-ubnd-x") {
		t.Errorf("unknown parent: UpdateTenant = %v, want an Invalid naming the parent and the fix", err)
	}
	if got, _ = s.Tenant(ctx, "so-du-lich"); !slices.Equal(got.Hosts, want.Hosts) || got.ParentID != "tenant-a" {
		t.Fatalf("refused updates changed the registry: %+v", got.Registry)
	}
}
