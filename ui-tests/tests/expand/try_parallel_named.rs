use async_dsl::try_parallel;

pub async fn run() -> Result<(), String> {
    let r = try_parallel! {
        a => async { Ok::<u32, String>(1) },
        b => async { Ok::<u32, &'static str>(2) },
    }
    .await?;
    let _ = (r.a, r.b);
    Ok(())
}
