package storage

import (
	"errors"
	"strings"
	"testing"

	"wuxing/internal/authz"
	"wuxing/internal/errs"
	"wuxing/internal/photo"
)

// storePhotos, shared by the photos of every kind of record, stores processed photos in order
// and refuses, before the next insert, one package photo did not process.
func TestStorePhotos(t *testing.T) {
	ok := func(n int) *photo.Photo {
		return &photo.Photo{ContentType: photo.JPEG, Width: 1, Height: 1, Data: make([]byte, n), Thumb: []byte{1}}
	}
	var stored []int
	insert := func(p *photo.Photo) (int64, error) {
		stored = append(stored, len(p.Data))
		return int64(100 + len(stored)), nil
	}
	ids, total, err := storePhotos("test photos", []*photo.Photo{ok(3), ok(5)}, insert)
	if err != nil || len(ids) != 2 || ids[0] != 101 || ids[1] != 102 || total != 8 {
		t.Fatalf("stored: ids %v, total %d, err %v", ids, total, err)
	}
	for _, bad := range []*photo.Photo{nil, {ContentType: photo.JPEG, Thumb: []byte{1}}, {ContentType: photo.JPEG, Data: []byte{1}},
		{ContentType: "image/gif", Data: []byte{1}, Thumb: []byte{1}}} {
		stored = nil
		if _, _, err := storePhotos("test photos", []*photo.Photo{bad, ok(1)}, insert); err == nil || !strings.Contains(err.Error(), "test photos") {
			t.Errorf("%+v: err %v", bad, err)
		}
		if len(stored) != 0 {
			t.Errorf("%+v: inserted %v before refusing", bad, stored)
		}
	}
	boom := errors.New("boom")
	if _, _, err := storePhotos("test photos", []*photo.Photo{ok(1)}, func(*photo.Photo) (int64, error) { return 0, boom }); !errors.Is(err, boom) {
		t.Errorf("insert error: %v", err)
	}
}

// checkReach, shared by units and the volunteer service: allowed where perm reaches, forbidden
// where the actor only sees the record, not found where they do not see it.
func TestCheckReach(t *testing.T) {
	member := Actor{P: &authz.Principal{UserID: 7, Bindings: []authz.Binding{{Role: authz.Member, UnitPath: "/1/2/"}}}}
	for _, c := range []struct {
		perm authz.Perm
		path string
		want string
	}{
		{authz.ViewService, "/1/2/3/", ""},
		{authz.ManageService, "/1/2/3/", errs.EFORBIDDEN},
		{authz.ViewService, "/1/4/", errs.ENOTFOUND},
		{authz.ManageService, "/1/4/", errs.ENOTFOUND},
	} {
		err := checkReach(member, authz.ViewService, c.perm, c.path)
		if got := errs.Code(err); got != c.want {
			t.Errorf("%s at %s: %v, want %q", c.perm, c.path, err, c.want)
		}
	}
}
