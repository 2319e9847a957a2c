#[derive(Debug)]
struct MyErr;

#[async_dsl::timeout("5s")]
async fn call_partner_api() -> Result<u32, MyErr> {
    Ok(1)
}

fn main() {}
