use super::*;

fn now() -> Timestamp {
    "2026-12-01T06:00:00+08:00".parse().unwrap()
}

fn article(text: &str) -> NewArticle {
    NewArticle {
        source_name: "a.txt".into(),
        source: text.into(),
        script: text.into(),
        hash: crate::pipeline::script_hash(text),
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
    assert_eq!(
        s.schema_version().unwrap(),
        migrations::MIGRATIONS.len() as i64
    );
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
    assert!(!s.close_abandoned(id, at).unwrap(), "not on air");
    assert!(s.release(id).unwrap());
    assert!(
        s.airings(None, None).unwrap().is_empty(),
        "open to claim again"
    );
    let id = s.claim("morning", at, now(), "me").unwrap().unwrap();
    s.begin_airing(id, &OnAir::default(), at).unwrap().unwrap();
    assert!(s.close_abandoned(id, at).unwrap());
    assert!(!s.close_abandoned(id, at).unwrap());
    assert!(!s.finish(id, Outcome::Aired, None, at).unwrap());
    assert_eq!(
        s.airings(None, None).unwrap()[0].outcome,
        Outcome::Interrupted
    );
}

mod properties {
    use proptest::prelude::*;

    use super::*;

    #[derive(Debug, Clone)]
    enum Op {
        Add,
        Approve(usize),
        ApproveStale(usize),
        Update(usize),
        Withdraw(usize),
        Reject(usize),
        Air(usize),
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            Just(Op::Add),
            (0..4usize).prop_map(Op::Approve),
            (0..4usize).prop_map(Op::ApproveStale),
            (0..4usize).prop_map(Op::Update),
            (0..4usize).prop_map(Op::Withdraw),
            (0..4usize).prop_map(Op::Reject),
            (0..4usize).prop_map(Op::Air),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// Whatever the order of adds, approvals (fresh or stale), updates, rejections and
        /// withdrawals, an airing begins exactly when the article's current script is the
        /// one approved, and the log records that script.
        #[test]
        fn airing_begins_only_for_the_approved_script(ops in proptest::collection::vec(op(), 1..40)) {
            let (_d, mut s) = store();
            // (id, current text, previous hash, approved, withdrawn)
            let mut model: Vec<(i64, String, String, bool, bool)> = Vec::new();
            let mut n = 0;
            for (step, op) in ops.into_iter().enumerate() {
                let at = now().checked_add(jiff::SignedDuration::from_secs(step as i64)).unwrap();
                match op {
                    Op::Add => {
                        n += 1;
                        let text = format!("通知{n}第1版");
                        let id = s.add_article(&article(&text), at).unwrap();
                        model.push((id, text, String::new(), false, false));
                    }
                    Op::Approve(i) | Op::ApproveStale(i) if i < model.len() => {
                        let stale = matches!(op, Op::ApproveStale(_));
                        let m = &mut model[i];
                        let hash = if stale && !m.2.is_empty() { m.2.clone() } else { article(&m.1).hash };
                        let ok = s.approve(m.0, "王书记", &hash, at).is_ok();
                        let expect = !m.4 && hash == article(&m.1).hash;
                        prop_assert_eq!(ok, expect);
                        m.3 |= ok;
                    }
                    Op::Update(i) if i < model.len() => {
                        let m = &mut model[i];
                        m.2 = article(&m.1).hash;
                        let text = format!("{}改", m.1);
                        let ok = s.update_article(m.0, &article(&text), at).is_ok();
                        prop_assert_eq!(ok, !m.4);
                        if ok {
                            m.1 = text;
                            m.3 = false;
                        }
                    }
                    Op::Withdraw(i) if i < model.len() => {
                        s.withdraw(model[i].0, at).unwrap();
                        model[i].3 = false;
                        model[i].4 = true;
                    }
                    Op::Reject(i) if i < model.len() => {
                        let m = &mut model[i];
                        let ok = s.reject(m.0, "王书记", "不行", &article(&m.1).hash, at).is_ok();
                        prop_assert_eq!(ok, !m.4);
                        if ok {
                            m.3 = false;
                        }
                    }
                    Op::Air(i) if i < model.len() => {
                        let m = &model[i];
                        // The script before the last update, then the current one, each
                        // on its own claim.
                        for (hash, current) in [(m.2.clone(), false), (article(&m.1).hash, true)] {
                            let slot = format!("s{step}-{current}");
                            let id = s.claim(&slot, at, at, "t").unwrap().unwrap();
                            let on_air = OnAir { articles: vec![(m.0, hash.clone())], ..OnAir::default() };
                            let began = s.begin_airing(id, &on_air, at).unwrap().is_ok();
                            prop_assert_eq!(began, current && m.3, "{:?}", m);
                            if began {
                                let row = s.airings(Some(at), Some(at)).unwrap()
                                    .into_iter().find(|a| a.slot == slot).unwrap();
                                prop_assert_eq!(&row.articles[0].hash, &hash);
                            }
                        }
                    }
                    _ => {}
                }
            }
        }
    }
}

#[test]
fn a_full_disk_and_a_damaged_file_read_as_plain_words() {
    let path = std::path::PathBuf::from("state/dalaba.db");
    let full = StoreError::Sqlite {
        path: path.clone(),
        source: rusqlite::Error::SqliteFailure(rusqlite::ffi::Error::new(13), None),
    };
    let text = full.to_string();
    assert!(
        text.contains("磁盘已满") && text.contains("disk full"),
        "{text}"
    );
    assert!(text.contains("state/dalaba.db"), "{text}");
    let damaged = StoreError::Sqlite {
        path,
        source: rusqlite::Error::SqliteFailure(rusqlite::ffi::Error::new(26), None),
    };
    assert!(damaged.to_string().contains("restore it from a backup"));
}

#[test]
fn a_pass_reads_only_the_articles_that_can_air_in_its_queues() {
    let (_dir, mut s) = store();
    let news = s.add_article(&article("a"), now()).unwrap();
    let gone = s.add_article(&article("b"), now()).unwrap();
    s.withdraw(gone, now()).unwrap();
    let mut weather = article("c");
    weather.queue = "weather".into();
    s.add_article(&weather, now()).unwrap();
    let ids: Vec<i64> = s
        .articles_in(&["news".into()])
        .unwrap()
        .iter()
        .map(|a| a.id)
        .collect();
    assert_eq!(ids, vec![news]);
}
