package opsaccounts

import "testing"

func TestAllows(t *testing.T) {
	for action, min := range minimumRole {
		for _, role := range Roles {
			want := role.rank() >= min.rank()
			if got := Allows(role, action); got != want {
				t.Errorf("Allows(%s, %s) = %v, want %v", role, action, got, want)
			}
		}
		if Allows("", action) || Allows("root", action) {
			t.Errorf("%s allowed to no role or an unknown one", action)
		}
	}
	if Allows(Administrator, "tenants.explode") {
		t.Error("an action missing from the table is allowed")
	}
	// Spot checks that keep the table's intent, whatever its form.
	for _, tc := range []struct {
		role   Role
		action Action
		want   bool
	}{
		{Viewer, TenantsView, true},
		{Viewer, TenantsSuspend, false},
		{Operator, TenantsSuspend, true},
		{Operator, CredentialsIssue, false},
		{Administrator, CredentialsIssue, true},
		{Operator, AccountsManage, false},
	} {
		if got := Allows(tc.role, tc.action); got != tc.want {
			t.Errorf("Allows(%s, %s) = %v, want %v", tc.role, tc.action, got, tc.want)
		}
	}
}

func TestParseRole(t *testing.T) {
	for _, r := range Roles {
		if got, err := ParseRole(string(r)); err != nil || got != r {
			t.Errorf("ParseRole(%s) = %s, %v", r, got, err)
		}
	}
	if _, err := ParseRole("Administrator"); err == nil {
		t.Error("ParseRole accepts a capitalised name")
	}
}
