use super::*;

fn now() -> Timestamp {
    "2026-12-01T06:00:00+08:00".parse().unwrap()
}

fn article(text: &str) -> NewArticle {
    NewArticle {
        source_name: "a.txt".into(),
        source: text.into(),
        script: text.into(),
        hash: blake3::hash(text.as_bytes()).to_hex().to_string(),
        queue: "news".into(),
        priority: "normal".into(),
        ..NewArticle::default()
    }
}

fn store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let s = Store::open(&dir.path().join("state/dalaba.db")).unwrap();
    (dir, s)
}

#[test]
fn migrates_once_and_reopens() {
    let (dir, s) = store();
    assert_eq!(
        s.schema_version().unwrap(),
        migrations::MIGRATIONS.len() as i64
    );
    drop(s);
    let s = Store::open(&dir.path().join("state/dalaba.db")).unwrap();
    assert_eq!(s.schema_version().unwrap(), 1);
    let mode: String = s
        .conn
        .pragma_query_value(None, "journal_mode", |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
}

#[test]
fn newer_schema_is_refused() {
    let (dir, s) = store();
    s.conn.pragma_update(None, "user_version", 99).unwrap();
    drop(s);
    let e = Store::open(&dir.path().join("state/dalaba.db")).unwrap_err();
    assert!(matches!(e, StoreError::TooNew { found: 99, .. }), "{e}");
}

#[test]
fn update_voids_approval_and_stale_approval_is_refused() {
    let (_d, mut s) = store();
    let a = article("通知一");
    let id = s.add_article(&a, now()).unwrap();
    s.approve(id, "王书记", &a.hash, now()).unwrap();
    assert!(s.article(id).unwrap().approval.is_some());
    let b = article("通知二");
    s.update_article(id, &b, now()).unwrap();
    let row = s.article(id).unwrap();
    assert_eq!(row.status, Status::Draft);
    assert!(row.approval.is_none());
    // An approver who read the old script cannot approve the new one by accident.
    assert!(matches!(
        s.approve(id, "王书记", &a.hash, now()),
        Err(StoreError::Stale { .. })
    ));
    // Changing back to the old text does not revive the old approval.
    s.update_article(id, &a, now()).unwrap();
    assert!(s.article(id).unwrap().approval.is_none());
}

#[test]
fn claims_are_exactly_once() {
    let (_d, mut s) = store();
    let at: Timestamp = "2026-12-01T07:00:00+08:00".parse().unwrap();
    let first = s.claim("morning", at, now(), "a").unwrap();
    assert!(first.is_some());
    assert_eq!(s.claim("morning", at, now(), "b").unwrap(), None);
    assert!(
        !s.record("morning", at, now(), Outcome::Missed, "x")
            .unwrap()
    );
}

#[test]
fn begin_airing_checks_approval_and_hash_in_one_transaction() {
    let (_d, mut s) = store();
    let a = article("通知一");
    let id = s.add_article(&a, now()).unwrap();
    let at: Timestamp = "2026-12-01T07:00:00+08:00".parse().unwrap();
    let airing = s.claim("morning", at, now(), "me").unwrap().unwrap();
    let on_air = OnAir {
        articles: vec![(id, a.hash.clone())],
        ..OnAir::default()
    };
    assert!(
        s.begin_airing(airing, &on_air, at).unwrap().is_err(),
        "draft"
    );
    s.approve(id, "王书记", &a.hash, now()).unwrap();
    let stale = OnAir {
        articles: vec![(id, "0000".into())],
        ..OnAir::default()
    };
    assert!(
        s.begin_airing(airing, &stale, at).unwrap().is_err(),
        "other hash"
    );
    s.begin_airing(airing, &on_air, at).unwrap().unwrap();
    s.finish(airing, Outcome::Aired, None, at).unwrap();
    let log = s.airings(None, None).unwrap();
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].outcome, Outcome::Aired);
    assert_eq!(log[0].articles[0].approved_by.as_deref(), Some("王书记"));
}

#[test]
fn emergency_airing_is_unsigned_until_countersigned() {
    let (_d, mut s) = store();
    let a = article("紧急通知");
    let id = s.add_article(&a, now()).unwrap();
    let airing = s.claim("play-now", now(), now(), "me").unwrap().unwrap();
    let on_air = OnAir {
        articles: vec![(id, a.hash.clone())],
        emergency_by: Some("李站长".into()),
        ..OnAir::default()
    };
    s.begin_airing(airing, &on_air, now()).unwrap().unwrap();
    s.finish(airing, Outcome::Aired, None, now()).unwrap();
    let log = s.airings(None, None).unwrap();
    assert_eq!(log[0].articles[0].approved_by, None);
    assert_eq!(log[0].articles[0].countersigned_by, None);
    s.approve(id, "王书记", &a.hash, now()).unwrap();
    let log = s.airings(None, None).unwrap();
    assert_eq!(
        log[0].articles[0].countersigned_by.as_deref(),
        Some("王书记")
    );
}

#[test]
fn abandoned_airings_close_once() {
    let (_d, mut s) = store();
    let at: Timestamp = "2026-12-01T07:00:00+08:00".parse().unwrap();
    let id = s.claim("morning", at, now(), "me").unwrap().unwrap();
    assert_eq!(s.unfinished().unwrap().len(), 1);
    assert!(s.close_abandoned(id, at).unwrap());
    assert!(!s.close_abandoned(id, at).unwrap());
    assert!(!s.finish(id, Outcome::Aired, None, at).unwrap());
    assert_eq!(s.airings(None, None).unwrap()[0].outcome, Outcome::Failed);
}
