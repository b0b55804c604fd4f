package pagecache

import (
	"container/list"
	"time"
)

// Version floors keep item pages from going back in time. The gateway reads
// from replicas, so a render that begins after an event may still read the
// version before it; and behind a load balancer one replica may be behind
// another. Per item, the cache remembers:
//
//   - read: the highest version a render read from the store. A page
//     showing an older one is not stored. Only the store raises it, so it
//     never exceeds a version that exists: an event cannot pin it.
//   - claim: the highest version an event announced that no render has read
//     yet, and when. While the claim lives, a page showing an older version
//     is not stored (served with no-store: the replica has not caught up).
//     A render that reads the claimed version (or a newer one) settles it.
//     A claim the store does not show within VersionWait expires: the
//     replica lags more than the wait, or the event was forged (an event
//     claiming version 2^64-1 pinned the item's pages as uncacheable, and,
//     when older events were dropped, stale, for good). So a forged event
//     costs at most VersionWait of caching of one item, and never shows a
//     visitor an older page than the store holds.
//
// An event is a hint: it always invalidates the item's pages, whatever its
// version (one below the floor is counted, not dropped). Floors are kept for
// at most maxFloors items (the least recently touched forgotten first) and
// forgotten when the cache is cleared.

// maxFloors bounds how many items' floors are remembered.
const maxFloors = 100_000

type versionFloor struct {
	key       string // tenant + "/" + content_id
	read      uint64
	claim     uint64 // 0: none
	claimedAt time.Time
}

type versionFloors struct {
	byKey map[string]*list.Element // of *versionFloor
	lru   *list.List               // front = most recently touched
}

func newVersionFloors() versionFloors {
	return versionFloors{byKey: map[string]*list.Element{}, lru: list.New()}
}

// get returns the floor of an item, creating it when create is set.
func (v *versionFloors) get(tenant, contentID string, create bool) *versionFloor {
	key := tenant + "/" + contentID
	if el, ok := v.byKey[key]; ok {
		v.lru.MoveToFront(el)
		return el.Value.(*versionFloor)
	}
	if !create {
		return nil
	}
	f := &versionFloor{key: key}
	v.byKey[key] = v.lru.PushFront(f)
	for len(v.byKey) > maxFloors {
		oldest := v.lru.Back()
		v.lru.Remove(oldest)
		delete(v.byKey, oldest.Value.(*versionFloor).key)
	}
	return f
}

// ItemEvent handles the hub's announcement of version of the item (tenant,
// contentID): it claims the version when it is newer than any read and than
// the live claim, and invalidates tags as Invalidate does, in one step, so
// that a render that begins after the event either sees the claim or began
// before the invalidation. It always invalidates; it reports whether the
// event was older than a version already read (counted by the caller).
func (c *Cache) ItemEvent(tenant, contentID string, version uint64, tags ...Tag) (older bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.cfg.Now()
	f := c.versions.get(tenant, contentID, true)
	older = version < f.read
	if version > f.read && (version > f.claim || !c.claimLive(f, now)) {
		f.claim, f.claimedAt = version, now
	}
	c.invalidate(tags, now)
	return older
}

func (c *Cache) claimLive(f *versionFloor, now time.Time) bool {
	return f.claim != 0 && now.Sub(f.claimedAt) < c.cfg.VersionWait
}

// admit reports whether a page showing it may be stored and kept: its
// version is not older than the item's read floor nor than a live claim.
// Reading it raises the read floor, and settles a claim it meets or that
// expired.
func (c *Cache) admit(it ItemVersion, now time.Time) bool {
	f := c.versions.get(it.Tenant, it.ContentID, true)
	if it.Version < f.read {
		return false
	}
	f.read = it.Version
	switch {
	case f.claim == 0:
	case it.Version >= f.claim:
		f.claim = 0
	case c.claimLive(f, now):
		return false
	default:
		c.claimsExpired.Inc()
		f.claim = 0
	}
	return true
}
