package main

import (
	"context"
	"fmt"

	"github.com/portalhub/portalhub/tenants/demo"
	"github.com/portalhub/portalhub/tenants/internal/store"
)

// checkDemoTenant refuses to seed tenant's demo content into another
// tenant's sub-portal: one named by SUBPORTAL_TENANT (configured), or whose
// database already holds content only another demo tenant has (a
// DATABASE_URL left from another sub-portal's commands).
func checkDemoTenant(ctx context.Context, st *store.Store, tenant, configured string) error {
	if configured != "" && configured != tenant {
		return fmt.Errorf("seed --demo %s: this sub-portal is %s (SUBPORTAL_TENANT): seed --demo %s, or point DATABASE_URL at %s's own database",
			tenant, configured, configured, tenant)
	}
	held, err := st.LatestVersions(ctx)
	if err != nil || len(held) == 0 {
		return describe(err)
	}
	owners := map[string][]string{} // content id -> demo tenants holding it
	tenants, err := demo.Tenants()
	if err != nil {
		return err
	}
	for _, tn := range tenants {
		items, err := demo.Items(tn.ID)
		if err != nil {
			return err
		}
		for _, it := range items {
			owners[it.GetContentId()] = append(owners[it.GetContentId()], tn.ID)
		}
	}
	for _, h := range held {
		if o := owners[h.ContentID]; len(o) == 1 && o[0] != tenant {
			return fmt.Errorf("seed --demo %s: the database at DATABASE_URL holds %s's demo content (%s), so it is that sub-portal's: "+
				"point DATABASE_URL at %s's own database (createdb one), or seed --demo %s", tenant, o[0], h.ContentID, tenant, o[0])
		}
	}
	return nil
}
