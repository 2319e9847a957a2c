use async_dsl::try_parallel;

#[derive(Debug)]
struct MyErr;

async fn read_config() -> Result<u32, std::io::Error> { Ok(1) }

async fn run() {
    let _ = try_parallel! { error = MyErr; config => read_config() }.await;
}

fn main() {}
