//! Tests of the registry: recovery, read-back, private data.

use super::*;
use crate::reads::NoConfig;
use crate::schema::Attribute;
use autostack_value::Type;

/// A type whose objects may live in or out of the state, with no `recover` of its own.
struct Plain(bool);

#[async_trait]
impl ResourceType<()> for Plain {
    fn name(&self) -> &'static str {
        "test_plain"
    }
    fn schema(&self) -> ResourceSchema {
        ResourceSchema {
            version: 0,
            block: Block::new().attr("id", Attribute::computed(Type::String)),
        }
    }
    fn state_only(&self) -> bool {
        self.0
    }
    async fn create(&self, _: &(), ctx: ChangeCtx<'_>) -> Result<Value, ApplyError> {
        Ok(ctx.planned.clone())
    }
    async fn update(&self, _: &(), ctx: ChangeCtx<'_>) -> Result<Value, ApplyError> {
        Ok(ctx.planned.clone())
    }
    async fn delete(&self, _: &(), _: &Value) -> Result<(), ApplyError> {
        Ok(())
    }
}

/// A type found again by name after a crash, whose object the cloud holds or not.
struct ByName {
    exists: bool,
}

#[async_trait]
impl ResourceType<()> for ByName {
    fn name(&self) -> &'static str {
        "test_named"
    }
    fn schema(&self) -> ResourceSchema {
        Plain(false).schema()
    }
    async fn create(&self, _: &(), ctx: ChangeCtx<'_>) -> Result<Value, ApplyError> {
        Ok(ctx.planned.clone())
    }
    async fn read_many(&self, _: &(), current: &[Value]) -> Vec<ValueRead> {
        let found = |v: &Value| Ok(self.exists.then(|| v.clone()));
        current.iter().map(found).collect()
    }
    async fn recover(&self, _: &(), planned: &Value, _: &str) -> ValueRead {
        Ok(Some(with_attr(planned, "id", Value::string("by-name"))))
    }
}

#[tokio::test]
async fn a_create_cut_off_before_the_cloud_saw_it_recovers_as_nothing() {
    let planned = Value::object_from([("id", Value::Unknown(Type::String))]);
    let no_token = || async { Ok(None) };
    for exists in [false, true] {
        let made = recover_made(&ByName { exists }, &(), &planned, "t", no_token).await;
        let id = made.unwrap().map(|v| v.get_attr("id").ok());
        assert_eq!(id, exists.then(|| Some(Value::string("by-name"))));
    }
}

async fn configured(state_only: bool) -> Registry<NoConfig> {
    let mut r = Registry::new(NoConfig).resource(Plain(state_only));
    let empty = Value::object(Default::default());
    r.configure(ConfigureRequest::new(empty)).await.unwrap();
    r
}

#[tokio::test]
async fn only_state_only_types_may_leave_recover_to_the_default() {
    let v = Value::null();
    let req = RecoverRequest::new("test_plain", &v, "t");
    let state_only = configured(true).await;
    assert!(state_only.state_only("test_plain"));
    assert_eq!(state_only.recover(req).await.ok(), Some(None));
    let outside = configured(false).await;
    assert!(!outside.state_only("test_plain"));
    let err = outside.recover(req).await.unwrap_err();
    assert!(err.to_string().contains("cannot look up"), "{err}");
}

#[tokio::test]
async fn a_create_that_cannot_be_read_back_keeps_a_partial_state() {
    let outside = configured(false).await;
    let planned = Value::object_from([("id", Value::Unknown(Type::String))]);
    let err = outside
        .apply(ApplyRequest::new("test_plain", None, Some(&planned)))
        .await
        .unwrap_err();
    let partial = err.partial.expect("partial state");
    assert!(partial.is_wholly_known(), "{partial:?}");
    assert!(err.diags.to_string().contains("does not implement read"));
}

#[tokio::test]
async fn private_data_is_carried_through_apply_and_read() {
    let p = configured(true).await;
    let private = Private::new(b"kept".to_vec());
    let planned = Value::object_from([("id", Value::string("x"))]);
    let req = ApplyRequest::new("test_plain", None, Some(&planned)).with_private(&private);
    let applied = p.apply(req).await.unwrap();
    assert_eq!(applied.private, private);
    let current = Instance::new(planned.clone()).with_private(private.clone());
    let read = p
        .read_many(ReadRequest::new("test_plain", vec![current]))
        .await;
    assert_eq!(read[0].as_ref().unwrap().as_ref().unwrap().private, private);
    let prior = Private::new(b"prior".to_vec());
    let plan = p
        .plan(PlanRequest::new("test_plain", Some(&planned), &planned).with_private(&prior))
        .await
        .unwrap();
    assert_eq!(plan.planned_private, prior);
}
