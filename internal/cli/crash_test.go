package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"wuxing/internal/authz"
	"wuxing/internal/org"
	"wuxing/internal/storage"
)

// envCrashChild makes the test binary run `wuxing serve` instead of the tests: the crash test
// starts itself as the server so that it can kill it.
const envCrashChild = "WUXING_CRASH_CHILD"

func TestMain(m *testing.M) {
	if os.Getenv(envCrashChild) == "1" {
		os.Exit(Run([]string{"serve"}, os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// TestAcknowledgedCasesSurviveKill submits cases from concurrent clients, kills the server with
// SIGKILL in the middle, and proves that every case the server acknowledged (201) is in the
// database afterwards with its timeline: grouped commits do not trade durability for speed.
// (Power loss is covered by synchronous=FULL, which this test cannot simulate.)
func TestAcknowledgedCasesSurviveKill(t *testing.T) {
	if testing.Short() {
		t.Skip("starts and kills a server")
	}
	dir := t.TempDir()
	dbURL := "sqlite:" + filepath.Join(dir, "crash.db")
	ctx := context.Background()
	const pw = "Crash@2026test"

	// Prepare a community, a category and a secretary.
	db, err := storage.Open(ctx, dbURL, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	var unitID int64
	err = db.Batch(ctx, storage.System, func(b *storage.Batch) error {
		county := &org.Unit{Kind: org.County, Code: "410902000000", Name: "华龙区"}
		if err := b.CreateUnit(county); err != nil {
			return err
		}
		town := &org.Unit{ParentID: county.ID, Kind: org.Town, Code: "410902003000", Name: "建设办"}
		if err := b.CreateUnit(town); err != nil {
			return err
		}
		zq := &org.Unit{ParentID: town.ID, Kind: org.Community, Code: "410902003001", Name: "站前社区"}
		err := b.CreateUnit(zq)
		unitID = zq.ID
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	u, err := db.CreateUser(ctx, storage.System, storage.NewUser{Username: "zhanqian", Password: pw})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.BindRole(ctx, storage.System, u.ID, authz.BranchSecretary, unitID); err != nil {
		t.Fatal(err)
	}
	cats, _ := db.Categories(ctx, false)
	db.Close()

	// Start the server as a child process.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), envCrashChild+"=1", "WUXING_ADDR="+addr, "WUXING_DATABASE_URL="+dbURL, "WUXING_JOBS=off")
	var logs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	killed := false
	t.Cleanup(func() {
		if !killed {
			cmd.Process.Kill()
			cmd.Wait()
		}
	})
	base := "http://" + addr
	for i := 0; ; i++ {
		res, err := http.Get(base + "/healthz")
		if err == nil && res.StatusCode == 200 {
			res.Body.Close()
			break
		}
		if i > 200 {
			t.Fatalf("server did not start: %v\n%s", err, logs.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	body, _ := json.Marshal(map[string]string{"username": "zhanqian", "password": pw})
	res, err := http.Post(base+"/api/v1/login", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	var login struct{ Token string }
	json.NewDecoder(res.Body).Decode(&login)
	res.Body.Close()
	if login.Token == "" {
		t.Fatalf("login failed: %d", res.StatusCode)
	}

	// Submit from 8 clients until the server dies; keep what it acknowledged.
	var mu sync.Mutex
	var acked []int64
	client := &http.Client{Timeout: 5 * time.Second}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for c := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := 0; ; n++ {
				select {
				case <-stop:
					return
				default:
				}
				payload, _ := json.Marshal(map[string]any{"unit_id": unitID, "list": "appeal", "category_id": cats[0].ID,
					"urgency": "normal", "channel": "hotline", "title": fmt.Sprintf("客户端%d 第%d件", c, n)})
				req, _ := http.NewRequest("POST", base+"/api/v1/cases", bytes.NewReader(payload))
				req.Header.Set("Authorization", "Bearer "+login.Token)
				req.Header.Set("Content-Type", "application/json")
				res, err := client.Do(req)
				if err != nil {
					return // the server is gone
				}
				var out struct {
					Case struct{ ID int64 } `json:"case"`
				}
				json.NewDecoder(res.Body).Decode(&out)
				res.Body.Close()
				if res.StatusCode == http.StatusCreated && out.Case.ID != 0 {
					mu.Lock()
					acked = append(acked, out.Case.ID)
					mu.Unlock()
				}
			}
		}()
	}
	// Kill once a good number is acknowledged, while requests are in flight.
	deadline := time.Now().Add(20 * time.Second)
	for {
		mu.Lock()
		n := len(acked)
		mu.Unlock()
		if n >= 150 || time.Now().After(deadline) {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := cmd.Process.Kill(); err != nil { // SIGKILL: no shutdown, no flush
		t.Fatal(err)
	}
	killed = true
	cmd.Wait()
	close(stop)
	wg.Wait()
	if len(acked) < 20 {
		t.Fatalf("only %d cases acknowledged before the kill; the test proves little\n%s", len(acked), logs.String())
	}

	// Every acknowledged case is there, with its timeline.
	db, err = storage.Open(ctx, dbURL, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, id := range acked {
		c, _, err := db.Case(ctx, storage.System, id)
		if err != nil {
			t.Fatalf("acknowledged case %d is gone after the kill: %v", id, err)
		}
		evs, err := db.CaseEvents(ctx, storage.System, id)
		if err != nil || len(evs) == 0 || evs[0].Action != "submit" {
			t.Fatalf("case %s lost its timeline (%v)", c.Number, err)
		}
	}
	t.Logf("%d acknowledged cases all survived SIGKILL", len(acked))
}
